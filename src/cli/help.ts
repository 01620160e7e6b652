/**
 * Help text `run` and `kernel` print after their options: the script language follows
 * `xfs_io -c`, and this is where it differs in a way that changes answers.
 */
export const SCRIPT_HELP = `
Scripts: one command per line, in the words of xfs_io -c (see the README's script language).
Unlike xfs_io, pwrite and pread issue ONE call of LEN bytes. xfs_io issues calls of -b BSIZE
bytes, 4096 by default, and the size of each call decides huge=within_size orders, so a pasted
xfs_io "pwrite 0 60k" differs: write "pwrite -b 4k 0 60k" to get xfs_io's calls.
madvise -r/-s/-w are xfs_io's MADV_RANDOM/SEQUENTIAL/WILLNEED; MADV_REMOVE is madvise -R.
`;
