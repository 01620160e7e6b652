import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { campaignTally, chunkRecorded, createCampaign, findCampaign, listCampaigns, recordChunk } from '../../../src/store/campaign/index.js';
import type { FailureRecord, NewCampaign } from '../../../src/store/campaign/index.js';
import { type Store, openStore } from '../../../src/store/index.js';
import { tempDir } from '../_helpers.js';

const CAMPAIGN: NewCampaign = {
  name: 'punch', seeds: [1, 40], ops: 10, tasks: 2, bugs: ['fault-during-punch'], policy: 'linux-6.18', chunkSeeds: 20, chunks: 2,
  expireSeconds: 30, createdAt: '2026-01-01T00:00:00.000Z',
};

const FAILURE: FailureRecord = {
  seed: 28, chunk: 1, check: 'punch-empties-range', op: 'madvise', message: 'm', script: 'mount tmpfs\n', schedule: null, run: 3,
  command: 'foliolog run repro-fault-during-punch-28.fl --bug fault-during-punch',
};

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(async () => {
  tmp = tempDir();
  store = await openStore(tmp.file('s.db'), 'create');
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

describe('campaign tables (migration 0011)', () => {
  it('create a campaign once per name, with what the transaction did beside it', async () => {
    let exec = 0;
    const made = await createCampaign(store.db, CAMPAIGN, async (x) => { exec += (await x.executeSql('select 1 as one', [])).rows.length; });
    expect(made).toEqual({ ...CAMPAIGN, id: 1 });
    expect(exec).toBe(1);
    expect(await createCampaign(store.db, CAMPAIGN, async () => { exec++; })).toBeUndefined();
    expect(exec).toBe(1);
    expect(await findCampaign(store.db, 'punch')).toEqual(made);
    expect(await findCampaign(store.db, 'other')).toBeUndefined();
    expect(await listCampaigns(store.db)).toEqual([made]);
  });

  it('record a chunk once: a second result of the same chunk writes nothing', async () => {
    const c = (await createCampaign(store.db, CAMPAIGN, async () => undefined))!;
    const result = { campaignId: c.id, chunk: 1, first: 21, last: 40, passed: 19, failed: 1, ops: 198, ms: 900, worker: 'a:1', finishedAt: 'now' };
    expect(await chunkRecorded(store.db, c.id, 1)).toBe(false);
    expect(await recordChunk(store.db, result, [FAILURE])).toBe(true);
    expect(await recordChunk(store.db, { ...result, worker: 'b:2', passed: 20, failed: 0 }, [])).toBe(false);
    expect(await chunkRecorded(store.db, c.id, 1)).toBe(true);
    await recordChunk(store.db, { ...result, chunk: 0, first: 1, last: 20, passed: 20, failed: 0, ops: 200, worker: 'b:2' }, []);
    expect(await campaignTally(store.db, c.id)).toEqual({
      done: 39, failed: 1, recorded: new Set([0, 1]),
      workers: [{ worker: 'a:1', chunks: 1, seeds: 20, ops: 198, ms: 900 }, { worker: 'b:2', chunks: 1, seeds: 20, ops: 200, ms: 900 }],
      failures: [FAILURE],
    });
  });
});
