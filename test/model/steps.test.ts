import { describe, expect, it } from 'vitest';
import type { Steps } from '../../src/model/index.js';
import { isWait, Shmem } from '../../src/model/index.js';

const sink = { emit: () => undefined };

/** Step `s` until it yields `point` (or ends). */
function until<T>(s: Steps<T>, point: string): void {
  for (let r = s.next(); r.done !== true; r = s.next()) if (r.value === point) return;
  throw new Error(`never reached ${point}`);
}

describe('punch and fault stepped against each other', () => {
  it('yields at no punch point until the driver says tasks are stepping', () => {
    const m = new Shmem(sink);
    m.mountTmpfs('never', undefined);
    m.pwrite(0xaa, 0n, 8192n);
    const alone = m.fpunchSteps(0n, 4096n);
    expect(alone.next().done).toBe(true);
    m.stepping = true;
    const stepped = m.fpunchSteps(4096n, 4096n);
    expect(stepped.next().value).toBe('punch-published');
  });

  it('waits in the undo loop for the folio a fault holds locked, then removes it once mapped', () => {
    const m = new Shmem(sink);
    m.mountTmpfs('never', undefined);
    m.pwrite(0xaa, 0n, 8192n);
    m.mmap(0n, undefined);
    m.touch({ pos: 4096n, len: 4096n }, 0xbb); // a write fault: page 1 mapped, page 0 not
    m.stepping = true; // as the task driver does: punches yield from here on
    const fault = m.touchSteps({ pos: 0n, len: 4096n }, 0x58);
    until(fault, 'fault-map'); // folio of page 0 locked
    expect(m.currentFile!.cache.lookup(0)!.locked).toBe(true);
    const punch = m.fpunchSteps(0n, 8192n);
    let r = punch.next();
    while (r.done !== true && !isWait(r.value)) r = punch.next();
    expect(r.done).not.toBe(true);
    // The first pass skipped page 0's folio; page 1's is gone.
    expect(m.folios()).toStrictEqual([[0, 0, 1]]);
    expect(fault.next().done).toBe(true);
    for (r = punch.next(); r.done !== true; r = punch.next());
    expect(m.folios()).toStrictEqual([]);
  });

  it('makes a fault on a page being punched wait until the punch ends, then fill it', () => {
    const m = new Shmem(sink);
    m.mountTmpfs('always', undefined);
    m.pwrite(0xaa, 0n, 2097152n);
    m.mmap(0n, undefined);
    m.stepping = true;
    const punch = m.fpunchSteps(0n, 2097152n);
    until(punch, 'punch-published');
    const fault = m.touchSteps({ pos: 0n, len: 4096n }, 0x58);
    const w = fault.next();
    expect(w.done !== true && isWait(w.value) && w.value.waitFor).toBe('punch');
    for (let r = punch.next(); r.done !== true; r = punch.next());
    expect(m.folios()).toStrictEqual([]);
    for (let r = fault.next(); r.done !== true; r = fault.next());
    expect(m.folios()).toStrictEqual([[0, 9, 1]]);
  });
});
