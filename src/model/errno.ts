/** Error numbers the mirrored kernel functions return, by name. */
export type Errno =
  | 'EINVAL' | 'EBADF' | 'EEXIST' | 'ENOENT' | 'ENOSPC' | 'EFBIG' | 'ENXIO' | 'EPERM'
  | 'EOPNOTSUPP' | 'EAGAIN' | 'EBUSY' | 'ENOMEM' | 'ENODEV' | 'EFAULT';

/**
 * The outcome of a simulated kernel call: data, never an exception.
 * `ret` is bytes for read/write/pin, the offset for lseek, else 0n.
 */
export type OpResult =
  | { readonly ok: true; readonly ret: bigint }
  | { readonly ok: false; readonly errno: Errno | 'SIGBUS'; readonly detail: string };

/** Success with `ret`. Pure. */
export function ok(ret: bigint = 0n): OpResult {
  return { ok: true, ret };
}

/** Failure with an errno. Pure. */
export function fail(errno: Errno | 'SIGBUS', detail: string): OpResult {
  return { ok: false, errno, detail };
}

/** A kernel would VM_BUG_ON here: the model is inconsistent. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
  readonly code = 'E_INVARIANT';
}

/** Throw `InvariantError(msg)` unless `cond`. */
export function invariant(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new InvariantError(msg);
}

/** A line reached behaviour this build does not model yet (the run stops and is marked failed). */
export class UnsupportedError extends Error {
  override readonly name = 'UnsupportedError';
  readonly code = 'E_UNSUPPORTED';
}
