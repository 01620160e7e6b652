import { ByteRuns } from './byte-runs.js';
import type { Folio } from './folio.js';
import { PageCache } from './page-cache.js';
import type { HugeSetting } from './settings.js';
import type { FileId } from './units.js';
import type { Mapping } from './vma.js';

/**
 * A shmem superblock: one per `mount tmpfs`, plus the internal one (`shm_mnt`) behind memfd,
 * anonymous shared memory and SysV segments. Mirrors: struct shmem_sb_info.
 */
export interface Superblock {
  readonly kind: 'tmpfs' | 'internal';
  /** tmpfs `huge=`; the internal mount reads the global knob's copy instead. */
  huge: HugeSetting;
  /** Block limit in pages (`size=`), 0 = unlimited. Mirrors: max_blocks. */
  readonly maxBlocks: number;
  /** Pages accounted on this superblock. Mirrors: used_blocks. */
  usedBlocks: number;
  /** Inodes with a large folio allocated past EOF, in list order. Mirrors: shrinklist. */
  readonly shrinklist: Set<Inode>;
  /** Directory: name → inode (tmpfs only). */
  readonly dir: Map<string, Inode>;
}

/** A shmem inode. Mirrors: struct shmem_inode_info + its address_space. */
export interface Inode {
  readonly id: FileId;
  readonly name: string;
  readonly sb: Superblock;
  readonly kind: 'tmpfs' | 'memfd' | 'anon' | 'sysv';
  /** Mirrors: i_size. */
  iSize: bigint;
  /** End of the last fallocate, in pages. Mirrors: shmem_inode_info.fallocend. */
  fallocEnd: number;
  /** Decided at creation: 2 MiB write chunks when set. Mirrors: mapping_large_folio_support(). */
  readonly largeFolios: boolean;
  nlink: number;
  readonly cache: PageCache;
  /** Bytes held in the page cache; zero wherever no folio is. */
  readonly content: ByteRuns;
  /** The folio currently marked reclaim-candidate, if any (at most one: the EOF folio). */
  reclaimFolio: Folio | undefined;
  /** The mappings of this inode (one per task that maps it). Mirrors: address_space.i_mmap. */
  readonly mappings: Set<Mapping>;
  /**
   * The punch in progress, pages [start, next): faults on them wait until it ends (kernel.md §7).
   * Mirrors: inode->i_private (struct shmem_falloc with its waitq).
   */
  punch: PunchRange | undefined;
}

/** A punch's published page range [start, next). Mirrors: struct shmem_falloc. */
export interface PunchRange {
  readonly start: number;
  readonly next: number;
}

/** A new superblock. Pure. */
export function newSuperblock(kind: Superblock['kind'], huge: HugeSetting, maxBlocks: number): Superblock {
  return { kind, huge, maxBlocks, usedBlocks: 0, shrinklist: new Set(), dir: new Map() };
}

/** A new, empty inode. Pure. */
export function newInode(id: FileId, name: string, sb: Superblock, kind: Inode['kind'], largeFolios: boolean): Inode {
  return {
    id, name, sb, kind, iSize: 0n, fallocEnd: 0, largeFolios, nlink: 1,
    cache: new PageCache(), content: new ByteRuns(), reclaimFolio: undefined, mappings: new Set(), punch: undefined,
  };
}
