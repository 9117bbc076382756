import type { CorrelationRuleDocument, MappingConfig, PlaceholderValues } from '../sigma/index.js'
import type { ScanMatch } from './scan-engine.js'

/** What every scan worker loads: the same rules as the main thread would, in the same order. */
export interface ScanWorkerSetup {
  rulePaths: string[]
  placeholders: PlaceholderValues
  unmappedRules: MappingConfig['unmappedRules']
}

/** Main → worker: read and match one file (`file` is its position in the scan's file list). */
export interface ScanTask {
  file: number
  path: string
}

/** An event of a batch with at least one match; `offset` is its position in the batch. */
export interface ScanHit {
  offset: number
  where: string
  matches: ScanMatch[]
}

/** The outcome of one batch of records of a file, in the order the file holds them. */
export interface ScanBatchResult {
  /** Events read (records that were not events are counted in `problems`). */
  events: number
  problems: string[]
  hits: ScanHit[]
}

/** Worker → main. */
export type ScanWorkerMessage =
  | {
      kind: 'loaded'
      rules: number
      correlations: CorrelationRuleDocument[]
      /** Rule load errors, as `rules lint` prints them. */
      errors: string[]
    }
  | ({ kind: 'batch'; file: number; bytes: number } & ScanBatchResult)
  | { kind: 'done'; file: number }
  | { kind: 'failed'; message: string }
