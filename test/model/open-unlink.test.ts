/**
 * open and unlink (product.md §1): `open NAME` switches to (creating) a file on the current
 * mount; `unlink` removes the name but the file stays open and current. memfd mounts:
 * memfd.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { folios, last, run } from './_helpers.js';

describe('open', () => {
  it('creates a new empty file g: size 0, no folios, no blocks', () => {
    const o = last(['mount tmpfs', 'pwrite 0 4k', 'open g']);
    expect(o.ret).toBe(0n);
    expect(o.size).toBe(0n);
    expect(o.folios).toEqual([]);
    expect(o.blocks).toBe(0n);
    expect(o.stats).toEqual({});
  });

  it("shows f's folios again when switching back with open f", () => {
    const o = last(['mount tmpfs', 'pwrite 0 4k', 'open g', 'pwrite 0 8k', 'open f']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual([[0, 0, 1]]);
    expect(o.size).toBe(4096n);
    expect(o.blocks).toBe(8n);
  });

  it("keeps g's folios when switching back to g", () => {
    const o = last(['mount tmpfs', 'open g', 'pwrite 0 8k', 'open f', 'open g']);
    expect(o.folios).toEqual(folios('0-1:0'));
    expect(o.size).toBe(8192n);
  });

  it('creates files on the current mount with its huge= setting', () => {
    const o = last(['mount tmpfs huge=always', 'open g', 'pwrite 0 4k']);
    expect(o.folios).toEqual([[0, 9, 1]]);
    expect(o.stats).toEqual({ '2048kB': { shmem_alloc: 1 } });
  });

  it("switches to the new mount's own empty f on a second mount", () => {
    const obs = run(['mount tmpfs huge=always', 'pwrite 0 4k', 'mount tmpfs', 'pwrite 0 4k']);
    expect(obs[2]?.ret).toBe(0n);
    expect(obs[2]?.folios).toEqual([]);
    expect(obs[2]?.size).toBe(0n);
    expect(obs[3]?.folios).toEqual([[0, 0, 1]]);
  });

  it('refuses open on an anon or SysV region and keeps the region mapped (conformance 719)', () => {
    for (const kind of ['anon', 'sysv']) {
      const obs = run([`mount ${kind} 2m`, 'open g', 'mread']);
      expect(obs[1]?.ret).toBe('EINVAL');
      expect(obs[2]?.ret).toBe(0n);
      expect(obs[2]?.folios).toEqual(folios('0-511:0'));
    }
  });
});

describe('unlink', () => {
  it('keeps the file open and current with its folios', () => {
    const o = last(['mount tmpfs huge=always', 'pwrite 0 4k', 'unlink']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual([[0, 9, 1]]);
    expect(o.size).toBe(4096n);
    expect(o.blocks).toBe(4096n);
    expect(o.stats).toEqual({});
  });

  it('lets later writes land in the unlinked file', () => {
    const o = last(['mount tmpfs', 'pwrite 0 4k', 'unlink', 'pwrite 4k 4k']);
    expect(o.ret).toBe(4096n);
    expect(o.folios).toEqual(folios('0-1:0'));
    expect(o.size).toBe(8192n);
  });

  it('reads the unlinked file back', () => {
    const o = last(['mount tmpfs', 'pwrite -S 7 0 4k', 'unlink', 'pread 0 4k']);
    expect(o.data).toEqual([[0, 4096, 7]]);
  });

  it('creates a fresh f on open f after f was unlinked', () => {
    // kernel.md silent; measured on 6.18.44 (agrees) (product-level): the name is gone, so open(O_CREAT) makes a new inode.
    const o = last(['mount tmpfs', 'pwrite 0 4k', 'unlink', 'open f']);
    expect(o.ret).toBe(0n);
    expect(o.folios).toEqual([]);
    expect(o.size).toBe(0n);
  });
});
