import type { Advice } from './ast.js';

/**
 * Advice → its `madvise` flag, in product.md §1 order. `-r`, `-s`, `-w` mean what they mean in
 * xfs_io (MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED); MADV_REMOVE, which xfs_io lacks, is `-R`.
 */
export const ADVICE_FLAG: Readonly<Record<Advice, string>> = {
  hugepage: '-h',
  nohugepage: '-n',
  collapse: '-c',
  remove: '-R',
  dontneed: '-d',
  random: '-r',
  sequential: '-s',
  willneed: '-w',
};
