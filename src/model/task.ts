import type { Inode, Superblock } from './inode.js';
import type { Pin } from './ops/pin.js';
import type { Mapping } from './vma.js';

/** The mount the current file lives on: a tmpfs superblock, the memfd namespace, or a region. */
export interface Cwd {
  readonly sb: Superblock;
  readonly kind: 'tmpfs' | 'memfd' | 'anon' | 'sysv';
  readonly mount: number;
  /**
   * memfd mounts: the memfds the script made here, by the name it gave them (its handles; a
   * memfd has no directory entry). Each `mount memfd` starts its own.
   */
  readonly handles: Map<string, Inode>;
}

/**
 * What belongs to one task rather than to the machine (issue 9): its current mount and file,
 * its mapping (at most one) and the pins it holds. Mounts, inodes, controls, counters and
 * shrinker lists are the machine's (`Shmem`). Only the model changes it.
 */
export class TaskState {
  cwd: Cwd | undefined;
  file: Inode | undefined;
  /** The current mapping: at most one; a successful `open` and every `mount` drop it. */
  mapping: Mapping | undefined;
  /** Pins still held (they outlive mappings and file switches). */
  readonly pins: Pin[];

  constructor(pins: Pin[] = []) {
    this.pins = pins;
  }

  /**
   * A new task that starts where this one is: the same mount and file, a copy of its mapping
   * (the same VMAs and present pages, in the inode's i_mmap too), and the pins it holds, which
   * stay held until one of the tasks drops them.
   */
  fork(): TaskState {
    const t = new TaskState([...this.pins]);
    t.cwd = this.cwd;
    t.file = this.file;
    const m = this.mapping;
    if (m) {
      t.mapping = { vmas: [...m.vmas], len: m.len, mapped: new Set(m.mapped), tables: new Set(m.tables) };
      m.vmas[0]!.inode.mappings.add(t.mapping);
    }
    return t;
  }
}
