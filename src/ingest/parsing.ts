/**
 * The pipeline's entry into the parsers (src/ingest/parsers): one record in, normalised events
 * or a reason out. Kept as its own module so the pipeline depends on this port, not on the
 * parser registry's internals.
 */
export { isKnownParser, parseRecord } from './parsers/index.js'
