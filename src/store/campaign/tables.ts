import type { Generated } from 'kysely';
import type { Int64Column } from '../database.js';

/*
 * Kysely types of migration 0011's campaign tables (issue 13, item 4). Kept beside, not inside,
 * the `Database` interface: the campaign code widens a store's Kysely with `withTables`.
 */

/** `campaigns`: one row per enqueued campaign, `name` unique. */
export interface CampaignsTable {
  id: Generated<number>;
  name: string;
  first_seed: Int64Column;
  last_seed: Int64Column;
  ops: number;
  tasks: number;
  /** JSON text: an array of bug-switch names. */
  bugs: string;
  /** As `--policy` spells it. */
  policy: string;
  chunk_seeds: number;
  chunks: number;
  expire_seconds: number;
  /** Wall clock, ISO 8601. */
  created_at: string;
}

/** `campaign_chunks`: what one chunk gave, written once per (campaign_id, chunk). */
export interface CampaignChunksTable {
  campaign_id: number;
  chunk: number;
  first_seed: Int64Column;
  last_seed: Int64Column;
  passed: number;
  failed: number;
  ops: Int64Column;
  ms: Int64Column;
  worker: string;
  finished_at: string;
}

/** `campaign_failures`: one row per failing seed of a campaign. */
export interface CampaignFailuresTable {
  campaign_id: number;
  seed: Int64Column;
  chunk: number;
  check_name: string;
  op: string | null;
  message: string;
  script: string | null;
  schedule: string | null;
  repro_run: number | null;
  command: string;
}

/** The campaign tables, for `Kysely.withTables`. */
export type CampaignTables = {
  campaigns: CampaignsTable;
  campaign_chunks: CampaignChunksTable;
  campaign_failures: CampaignFailuresTable;
};
