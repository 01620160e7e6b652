export type { Advice, ByteRange, Command, CommandName, KnobWrite, Script, ScriptLine } from './ast.js';
export type { BlindRun, DataRun, FolioTriple, Observation, StatsDelta } from './observation.js';
export { LAYOUT_DIGEST_VERSION, compareObservations, layoutDigest, sameStats, statsKey } from './compare.js';
export { ADVICE_FLAG } from './advice.js';
export { fileNameProblem, isFileName, NAME_MAX } from './file-name.js';
export { ScriptError } from './errors.js';
export { parseLine, parseScript } from './parse.js';
export { formatCommand, formatObservation, parseObservation } from './print.js';
export { formatSchedule, parseSchedule } from './schedule.js';
