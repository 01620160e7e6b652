import { CampaignQueue, DEFAULT_EXPIRE_SECONDS, chunksOf, defaultChunkSeeds } from '../../campaign/index.js';
import { formatPolicy } from '../../model/index.js';
import { createCampaign, findCampaign } from '../../store/campaign/index.js';
import { isPostgresUrl, openStore, shownUrl, storeIdentity } from '../../store/index.js';
import { CliError } from '../errors.js';
import type { CliEnv } from '../io.js';
import { jsonText } from '../json.js';
import { type FuzzCliOptions, intOption, seedRange } from './fuzz.js';
import { bugsOption, policyOption } from './run.js';

/** Options of `foliolog fuzz --campaign NAME`: fuzz's, but for the reproducers' folder and local threads. */
export interface EnqueueOptions extends Omit<FuzzCliOptions, 'out' | 'jobs'> {
  readonly campaign: string;
  readonly chunk?: string;
  readonly expire?: string;
}

/** What a campaign name may be: it names a queue and files, and is typed on command lines. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A campaign's name, checked. @throws CliError (exit 2) naming what a name may hold. Pure.
 */
export function campaignName(name: string): string {
  if (!NAME.test(name)) throw new CliError(`--campaign: not a campaign name (letters, digits, '.', '_', '-'; at most 64): ${name}`);
  return name;
}

/** The store URL a campaign command needs. @throws CliError (exit 2) for anything but a `postgres://` URL. Pure. */
export function campaignStore(what: string, db: string): string {
  if (!isPostgresUrl(db)) throw new CliError(`${what} needs a PostgreSQL store (--db postgres://...), not ${shownUrl(db)}`);
  return db;
}

/**
 * `foliolog fuzz --campaign NAME --db postgres://... [--seeds A..B] [--ops M] [--tasks T]
 * [--bug NAME]... [--policy P] [--chunk N] [--expire S]`: record the campaign in the store and
 * queue its seeds in chunks of N (`defaultChunkSeeds`: about 2,000 commands a chunk), all in one
 * transaction, then return: `foliolog worker` runs them. `--expire S` (default 30): a chunk
 * taken by a worker that has not finished it S seconds later goes to another worker. JSON:
 * `{campaign, seeds, chunks, chunk}` (seeds and chunks are counts, chunk the seeds per chunk).
 * @returns 0
 * @throws CliError (exit 2): bad options, a SQLite store, a name the store holds already
 *
 * ### Example
 * ```sh
 * foliolog fuzz --campaign punch --seeds 1..10000 --ops 10 --bug fault-during-punch --db postgres://me@/foliolog?host=/run/postgresql
 * ```
 */
export async function enqueueCommand(o: EnqueueOptions, env: CliEnv): Promise<number> {
  const name = campaignName(o.campaign);
  const db = campaignStore('fuzz --campaign', o.db);
  const seeds = seedRange(o.seeds);
  const ops = intOption('--ops', o.ops, 1, 100_000);
  const tasks = intOption('--tasks', o.tasks, 1, 26);
  const bugs = bugsOption(o.bug);
  const policy = formatPolicy(policyOption(o.policy));
  const chunkSeeds = o.chunk === undefined ? defaultChunkSeeds(ops) : intOption('--chunk', o.chunk, 1, 1_000_000);
  const expireSeconds = o.expire === undefined ? DEFAULT_EXPIRE_SECONDS : intOption('--expire', o.expire, 1, 3600);
  const store = await openStore(db, 'create');
  try {
    const taken = (): CliError => new CliError(`campaign ${name} exists already in ${store.path}: pick another name`);
    if (await findCampaign(store.db, name) !== undefined) throw taken();
    const queueName = CampaignQueue.queueName(await storeIdentity(store.db), name);
    const chunks = chunksOf(seeds, chunkSeeds);
    const queue = await CampaignQueue.open(db, { supervise: false });
    try {
      await queue.prepare(queueName, expireSeconds);
      const made = await createCampaign(store.db, {
        name, seeds, ops, tasks, bugs, policy, chunkSeeds, chunks: chunks.length, expireSeconds, createdAt: env.now().toISOString(),
      }, (exec) => queue.enqueue(queueName, chunks, expireSeconds, exec));
      if (made === undefined) throw taken();
    } finally {
      await queue.close();
    }
    const n = seeds[1] - seeds[0] + 1;
    env.stdout.write(o.json ? `${jsonText({ campaign: name, seeds: n, chunks: chunks.length, chunk: chunkSeeds })}\n`
      : `campaign ${name}: seeds ${seeds[0]}..${seeds[1]} (${n}), ${chunks.length} chunks of ${chunkSeeds}, queued in ${store.path}\n`
        + `run workers: foliolog worker --db URL --campaign ${name}; watch: foliolog campaign ${name}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
