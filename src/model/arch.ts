/** Page size of the modelled machine (x86-64), in bytes. */
export const PAGE_SIZE = 4096;
/** log2(PAGE_SIZE). */
export const PAGE_SHIFT = 12;
/** Page size as a bigint, for byte arithmetic on `Loff`. */
export const PAGE_SIZE_N = 4096n;
/** Bits of a C `unsigned long` on the modelled machine (x86-64). Mirrors: BITS_PER_LONG. */
export const BITS_PER_LONG = 64;
/** Order of a PMD-sized folio (2 MiB with 4 KiB pages). Mirrors: HPAGE_PMD_ORDER. */
export const HPAGE_PMD_ORDER = 9;
/** Pages in a PMD-sized folio. Mirrors: HPAGE_PMD_NR. */
export const HPAGE_PMD_NR = 512;
/** Largest order the page cache holds here. Mirrors: MAX_PAGECACHE_ORDER. */
export const MAX_PAGECACHE_ORDER = 9;
/** Largest byte position + 1 a file may have. Mirrors: MAX_LFS_FILESIZE (LLONG_MAX). */
export const MAX_LFS_FILESIZE = (1n << 63n) - 1n;
