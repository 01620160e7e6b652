/**
 * What is wrong with one line, before parse.ts knows which file and line it is on.
 * Private to src/script: parse.ts turns it into a `ScriptError`.
 */
export class LineFault extends Error {
  override readonly name = 'LineFault';
}

/** Throw a `LineFault` with `reason`. */
export function fault(reason: string): never {
  throw new LineFault(reason);
}
