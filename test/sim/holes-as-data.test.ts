import { describe, expect, it } from 'vitest';
import { parseScript } from '../../src/script/index.js';
import type { OperationFacts } from '../../src/sim/index.js';
import { simulate } from '../../src/sim/index.js';

/** Each command's `op` with the unwritten_data the simulator hands the recorder (undefined: none). */
function facts(text: string): Array<[string, bigint | undefined]> {
  const out: Array<[string, bigint | undefined]> = [];
  const r = simulate(parseScript(text, 'h.fl'), {
    recorder: {
      file: () => undefined,
      event: () => undefined,
      operation: (obs, _task, _file, _last, f?: OperationFacts) => void out.push([obs.op, f?.unwrittenData]),
    },
  });
  expect(r.failure).toBeUndefined();
  return out;
}

const SEEKS = (text: string): Array<[string, bigint | undefined]> => facts(text).filter(([op]) => op.startsWith('seek'));
const MIB2 = 2n * 1024n * 1024n;

describe('unwrittenData (holes_as_data)', () => {
  it('counts the unwritten rest of a PMD folio that SEEK_HOLE and SEEK_DATA report as data', () => {
    expect(SEEKS('mount tmpfs huge=always\npwrite 0 4k\ntruncate 2m\nseek -h 0\nseek -h 1m\nseek -d 0\nseek -d 4k\n')).toEqual([
      ['seek -h 0', MIB2 - 4096n],
      ['seek -h 1m', MIB2 / 2n],
      ['seek -d 0', 0n],
      ['seek -d 4k', MIB2 - 4096n],
    ]);
  });

  it('counts nothing when every byte of the data run was written', () => {
    expect(SEEKS('mount tmpfs huge=never\npwrite 0 8k\nseek -h 0\nseek -d 4k\n')).toEqual([['seek -h 0', 0n], ['seek -d 4k', 0n]]);
  });

  it('counts a punch that zeroed part of a folio whose split failed, up to the first written byte for SEEK_DATA', () => {
    const text = 'mount tmpfs huge=always\npwrite 0 2m\nmmap\npin 1m 4k\nfpunch 1m 64k\nseek -h 0\nseek -d 1m\nseek -d 1028k\nunpin\nfpunch 1m 64k\nseek -h 0\n';
    expect(SEEKS(text)).toEqual([
      ['seek -h 0', 65536n], ['seek -d 1m', 65536n], ['seek -d 1028k', 61440n], ['seek -h 0', 0n],
    ]);
  });

  it('takes bytes written as zeros for written data', () => {
    expect(SEEKS('mount tmpfs huge=always\npwrite -S 0 0 4k\ntruncate 2m\nseek -h 0\n')).toEqual([['seek -h 0', MIB2 - 4096n]]);
    expect(SEEKS('mount tmpfs huge=always\npwrite -S 0 0 2m\nseek -h 0\n')).toEqual([['seek -h 0', 0n]]);
  });

  it('counts a folio a read fault zeroed and never written', () => {
    expect(SEEKS('mount tmpfs huge=always\ntruncate 2m\nmmap\nmread 0 4k\nseek -d 0\nseek -h 0\n')).toEqual([
      ['seek -d 0', MIB2], ['seek -h 0', MIB2],
    ]);
  });

  it('is 0 for a seek that failed and absent for every other command', () => {
    expect(facts('mount tmpfs\npwrite 0 4k\nseek -d 8k\nseek -h -1\n')).toEqual([
      ['mount tmpfs', undefined], ['pwrite 0 4k', undefined], ['seek -d 8k', 0n], ['seek -h -1', 0n],
    ]);
  });
});
