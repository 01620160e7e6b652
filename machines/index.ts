export {
  FINAL_FOLIO_STATES,
  FOLIO_MACHINE_EVENT_TYPES,
  FOLIO_STATE_CODES,
  folioMachine,
} from './folio.machine.js';
export type {
  FolioCause,
  FolioMachine,
  FolioMachineContext,
  FolioMachineEvent,
  FolioMachineEventType,
  FolioMachineInput,
  FolioState,
  FolioStateCode,
} from './folio.machine.js';
export { FOLIO_EVENT_COUNT, FOLIO_TABLE, birthState, compileFolioTable, nextFolioState } from './folio-table.js';
export type { FolioTable } from './folio-table.js';
