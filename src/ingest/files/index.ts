/**
 * Reading log files for `watchfloor import` and `watchfloor scan`: files and directories in,
 * records out, with where each came from and byte progress for a progress bar.
 */
export type {
  FileProblemRecord,
  FileRecord,
  InvalidJsonRecord,
  JsonLineRecord,
  ObjectRecord,
  RecordFormat,
  RecordOrigin,
  TextLineRecord,
} from './file-record.js'
export { recordLocation } from './file-record.js'
export {
  type ReadEventFilesOptions,
  readEventFileBatches,
  readEventFiles,
  readEventStream,
  readFoundFileBatches,
} from './read-event-files.js'
export type { ProgressListener, ReadProgress } from './read-progress.js'
export { type FoundFile, findEventFiles, LOG_FILE_PATTERN } from './walk-paths.js'
