/** The parsers' public API: what the ingest pipeline and the CLI use. */
export { detectParser } from './detect-parser.js'
export { DEFAULT_PARSE_LIMITS, type ParseLimits } from './limits.js'
export { createRecordParser, type ParseOptions, parseRecord } from './parse-record.js'
export { AUTO_PARSER, getParser, isKnownParser, parserNames } from './registry.js'
export type { ParseContext, ParseFailure, Parser, ParserResult } from './types.js'
