export { chunksOf, defaultChunkSeeds } from './plan.js';
export type { Chunk } from './plan.js';
export { CampaignQueue, DEFAULT_EXPIRE_SECONDS, MAINTENANCE_SECONDS, QUEUE_SCHEMA, RETRY_LIMIT, maintenanceSeconds } from './queue.js';
export type { QueueDb, QueueState, TakenChunk } from './queue.js';
