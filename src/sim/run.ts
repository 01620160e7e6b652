import type { OpResult, Shmem } from '../model/index.js';
import type { Command, Observation, Script, ScriptLine, StatsDelta } from '../script/index.js';
import type { ReadResult } from '../model/index.js';
import { preadBlocks, pwriteBlocks } from './block-io.js';
import type { OperationRecord } from './recorder.js';

/** Run one command on the model. `data` is set for reads. */
export function dispatch(model: Shmem, c: Command): { result: OpResult; data?: ReadResult['data'] } {
  switch (c.cmd) {
    case 'mount':
      if (c.kind === 'tmpfs') return { result: model.mountTmpfs(c.huge, c.size) };
      if (c.kind === 'memfd') return { result: model.mountMemfd() };
      return { result: model.mountRegion(c.kind, c.size) };
    case 'remount': return { result: model.remount(c.huge) };
    case 'thp': return { result: model.writeKnobs(c.writes) };
    case 'open': return { result: model.open(c.name) };
    case 'unlink': return { result: model.unlink() };
    case 'pwrite': return { result: pwriteBlocks(model, c.byte, c.pos, c.len, c.bsize) };
    case 'pread': {
      const r = preadBlocks(model, c.pos, c.len, c.bsize);
      return r.result.ok ? { result: r.result, data: r.data } : { result: r.result };
    }
    case 'seek': return { result: model.lseek(c.whence, c.offset) };
    case 'truncate': return { result: model.truncate(c.size) };
    case 'fzero': return { result: model.fzero(c.pos, c.len) };
    case 'falloc': return { result: model.fallocate(c.keepSize, c.pos, c.len) };
    case 'fpunch': return { result: model.fpunch(c.pos, c.len) };
    case 'reclaim': return { result: model.reclaim() };
    case 'scan': return { result: model.scan() };
    case 'memory': return { result: model.memory(c.limit) };
    case 'mmap': return { result: model.mmap(c.misalign, c.range) };
    case 'munmap': return { result: model.munmap() };
    case 'mread': return { result: model.touch(c.range) };
    case 'mwrite': return { result: model.touch(c.range, c.byte) };
    case 'pin': return { result: model.pin(c.range) };
    case 'unpin': return { result: model.unpin(c.range) };
    case 'madvise':
      if (c.advice === 'collapse') return { result: model.collapse(c.range) };
      if (c.advice === 'remove') return { result: model.madviseRemove(c.range) };
      return { result: model.madvise(c.advice, c.range) };
    case 'khugepaged': return { result: model.khugepaged() };
  }
}

/**
 * What a command that just ran left, as the recorder takes it: the §2 observation without the
 * folio list, whose cost grows with the page cache. Pure apart from reading the model.
 */
export function operationRecord(model: Shmem, line: ScriptLine, i: number, r: ReturnType<typeof dispatch>,
  stats: StatsDelta): OperationRecord {
  const ret = r.result.ok ? r.result.ret : r.result.errno;
  // One literal each, no spread: this runs once per command, and a line without a task is the
  // common case (a spread of `{}` costs every command a slower object construction).
  const rec: OperationRecord = line.task === undefined
    ? { i, line: line.line, op: line.op, ret, stats, size: model.size(), blocks: model.blocks() }
    : { i, line: line.line, task: line.task, op: line.op, ret, stats, size: model.size(), blocks: model.blocks() };
  return r.data ? { ...rec, data: r.data } : rec;
}

/** The §2 observation of a command: its record and the current file's folios. Pure apart from reading the model. */
export function observe(model: Shmem, rec: OperationRecord): Observation {
  const { i, line, task, op, ret, stats, size, blocks, data } = rec;
  const obs: Observation = { i, line, ...(task === undefined ? {} : { task }), op, ret, folios: model.folios(), stats, size, blocks };
  return data ? { ...obs, data } : obs;
}

export type { Script };
