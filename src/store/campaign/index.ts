export {
  campaignTally, chunkRecorded, createCampaign, findCampaign, listCampaigns, recordChunk,
} from './campaigns.js';
export type {
  Campaign, CampaignTally, ChunkResult, FailureRecord, NewCampaign, SqlExecutor, WorkerTally,
} from './campaigns.js';
export type { CampaignChunksTable, CampaignFailuresTable, CampaignTables, CampaignsTable } from './tables.js';
