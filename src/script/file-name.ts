/**
 * The file names a script may `open` (product.md §1): one path component of ASCII letters,
 * digits, `.`, `_` and `-`, not `.` or `..`, at most NAME_MAX (255) bytes. Nothing else can
 * reach a path: the model and the real-kernel probe open only names that pass this check.
 */

/** Longest name, in bytes (include/uapi/linux/limits.h NAME_MAX). */
export const NAME_MAX = 255;

const COMPONENT = /^[A-Za-z0-9._-]+$/;

/** Why `name` cannot be opened by a script, or undefined when it can. Pure. */
export function fileNameProblem(name: string): string | undefined {
  if (name === '.' || name === '..') return `'${name}' is not a file name`;
  if (!COMPONENT.test(name)) return `'${name}' is not one path component (letters, digits, '.', '_', '-')`;
  if (name.length > NAME_MAX) return `file name longer than ${NAME_MAX} bytes`;
  return undefined;
}

/** Whether a script may `open` `name`. Pure. */
export function isFileName(name: string): boolean {
  return fileNameProblem(name) === undefined;
}
