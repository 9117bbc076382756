import type { FastifyRequest } from 'fastify'
import { UserError } from '../../core/errors.js'
import type { AppContext } from '../../server/context.js'
import type { SourceRow } from '../../store/schema.js'
import { resolveTargetSource } from '../http/ingest.routes.js'
import type { RawRecord, SubmitResult } from '../ingest.service.js'
import { IngestUnavailableError, QueueFullError } from '../pipeline/ingest-queue.js'
import type { BulkAction, BulkOperation } from './bulk-body.js'
import { elasticTypeForStatus } from './elastic-errors.js'
import { sourceNameForIndex } from './index-name.js'

const SHARDS = { total: 1, successful: 1, failed: 0 }

export type BulkItemResult =
  | {
      _index: string
      _id: string
      _version: 1
      result: 'created'
      status: 201
      _shards: typeof SHARDS
      _seq_no: number
      _primary_term: 1
    }
  | { _index: string | null; _id: string | null; status: number; error: { type: string; reason: string } }

export interface BulkResponse {
  took: number
  errors: boolean
  items: Partial<Record<BulkAction, BulkItemResult>>[]
}

interface Group {
  /** The source the group writes to, as answered in `_index`. */
  name: string
  /** What to ask resolveTargetSource for: undefined when the token is bound to its source. */
  requested: string | undefined
  positions: number[]
}

/**
 * Runs a `_bulk` request: documents are grouped by the source they go to, each group is one
 * submission (all groups at once), and every item is answered in request order the way
 * Elasticsearch answers it. A group refused because the queue is full answers 429 per item,
 * which Elasticsearch clients retry item by item.
 */
export async function runBulk(
  operations: readonly BulkOperation[],
  urlIndex: string | undefined,
  request: FastifyRequest,
  context: AppContext,
): Promise<{ response: BulkResponse; retryAfterSeconds: number | undefined }> {
  const started = performance.now()
  const items: (BulkItemResult | undefined)[] = new Array(operations.length).fill(undefined)
  const bound = request.ingestSource
  const groups = new Map<string, Group>()

  operations.forEach((operation, position) => {
    const indexName = operation.index ?? urlIndex
    if (operation.action === 'update' || operation.action === 'delete') {
      items[position] = failure(
        indexName ?? null,
        operation.id,
        400,
        'illegal_argument_exception',
        `Watchfloor stores events append-only: [${operation.action}] is not supported`,
      )
      return
    }
    if (bound) {
      addToGroup(groups, bound.name, undefined, position)
      return
    }
    if (indexName === undefined) {
      items[position] = failure(
        null,
        operation.id,
        400,
        'action_request_validation_exception',
        'index is missing',
      )
      return
    }
    const name = sourceNameForIndex(indexName)
    if (name === undefined) {
      items[position] = failure(
        indexName,
        operation.id,
        400,
        'invalid_index_name_exception',
        `Invalid index name [${indexName}]: no usable source name in it`,
      )
      return
    }
    addToGroup(groups, name, name, position)
  })

  let retryAfterSeconds: number | undefined
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const outcome = await submitGroup(group, operations, request, context)
      if ('error' in outcome) {
        if (outcome.retryAfterSeconds !== undefined) retryAfterSeconds = outcome.retryAfterSeconds
        for (const position of group.positions)
          items[position] = failure(
            group.name,
            operations[position]!.id,
            outcome.status,
            outcome.type,
            outcome.error,
          )
        return
      }
      answerGroup(group, outcome.source, outcome.result, operations, items)
    }),
  )

  const answered = items.map((item, position) => ({ [operations[position]!.action]: item! }))
  return {
    response: {
      took: Math.round(performance.now() - started),
      errors: items.some((item) => item !== undefined && 'error' in item),
      items: answered,
    },
    retryAfterSeconds,
  }
}

function addToGroup(
  groups: Map<string, Group>,
  name: string,
  requested: string | undefined,
  position: number,
): void {
  const group = groups.get(name)
  if (group) group.positions.push(position)
  else groups.set(name, { name, requested, positions: [position] })
}

type GroupOutcome =
  | { source: SourceRow; result: SubmitResult }
  | { error: string; status: number; type: string; retryAfterSeconds?: number }

async function submitGroup(
  group: Group,
  operations: readonly BulkOperation[],
  request: FastifyRequest,
  context: AppContext,
): Promise<GroupOutcome> {
  try {
    const source = await resolveTargetSource(request, context, group.requested)
    let bytes = 0
    const records: RawRecord[] = group.positions.map((position) => {
      const operation = operations[position]!
      const document = operation.document ?? ''
      bytes += Buffer.byteLength(document)
      const record: RawRecord = { raw: document, location: `line ${operation.line}` }
      // Elasticsearch documents are JSON objects; anything else is kept as a dead letter, unparsed.
      if (!document.trimStart().startsWith('{'))
        record.framing = { rejected: 'an Elasticsearch document must be a JSON object' }
      else if (operation.index || operation.id)
        record.framing = {
          labels: {
            ...(operation.index ? { _index: operation.index } : {}),
            ...(operation.id ? { _id: operation.id } : {}),
          },
        }
      return record
    })
    const result = await context.services.ingest.submit({ source, input: 'bulk', records, bytes })
    return { source, result }
  } catch (error) {
    if (error instanceof QueueFullError)
      return {
        error: error.message,
        status: 429,
        type: 'es_rejected_execution_exception',
        retryAfterSeconds: error.retryAfterSeconds,
      }
    if (error instanceof IngestUnavailableError)
      return { error: error.message, status: 503, type: 'unavailable_shards_exception' }
    if (error instanceof UserError) {
      const type = error.status === 404 ? 'index_not_found_exception' : elasticTypeForStatus(error.status)
      return { error: error.message, status: error.status, type }
    }
    throw error
  }
}

function answerGroup(
  group: Group,
  source: SourceRow,
  result: SubmitResult,
  operations: readonly BulkOperation[],
  items: (BulkItemResult | undefined)[],
): void {
  let nextSeq = 0
  group.positions.forEach((position, recordIndex) => {
    const operation = operations[position]!
    const outcome = result.records[recordIndex]
    if (!outcome?.ok) {
      const reason = outcome?.reason ?? 'not stored'
      items[position] = failure(source.name, operation.id, 400, 'mapper_parsing_exception', reason)
      return
    }
    const seq = result.seqs[nextSeq] ?? -1
    nextSeq += outcome.events
    items[position] = {
      _index: source.name,
      // Without an `_id` from the shipper, the event's sequence number is its handle here.
      _id: operation.id ?? String(seq),
      _version: 1,
      result: 'created',
      status: 201,
      _shards: SHARDS,
      _seq_no: seq,
      _primary_term: 1,
    }
  })
}

function failure(
  index: string | null,
  id: string | undefined,
  status: number,
  type: string,
  reason: string,
): BulkItemResult {
  return { _index: index, _id: id ?? null, status, error: { type, reason } }
}
