import { basename } from 'node:path'
import type { Command } from 'commander'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'
import { downloadFile, uploadFile } from '../api-transfer.js'
import { CliExit, EXIT, printTable } from '../shared.js'

interface PublicEvidence {
  id: number
  name: string
  mediaType: string
  sha256: string
  sizeBytes: number
  acquiredBy: string
  acquiredAt: string
  uploadedBy: string
  lastVerifyResult: string | null
  deduplicated?: boolean
}

interface AddFlags extends ApiFlags {
  name?: string
  description?: string
  mediaType?: string
  acquiredBy?: string
  acquiredAt?: string
  acquiredWhere?: string
  method?: string
  reason?: string
  json?: boolean
}

const incidentPath = (incident: string) => `/api/v1/incidents/${encodeURIComponent(incident)}/evidence`

export function registerEvidence(program: Command): void {
  const evidence = program
    .command('evidence')
    .description('evidence of an incident with its chain of custody (talks to the server)')

  withApiFlags(evidence.command('add <incident> <file>'))
    .description('upload a file as evidence (streamed; SHA-256 computed by the server on arrival)')
    .option('--name <name>', 'name of the evidence (default: the file name)')
    .option('--description <text>', 'what it is')
    .option('--media-type <type>', 'media type, e.g. message/rfc822', 'application/octet-stream')
    .option('--acquired-by <who>', 'who took it from its origin (default: you)')
    .option('--acquired-at <iso>', 'when it was taken, ISO date-time with offset (default: now)')
    .option('--acquired-where <where>', 'where it was taken from (host, mailbox, account)')
    .option('--method <how>', 'how it was taken (tool, export)')
    .option('--reason <why>', 'why it is added, for the chain of custody')
    .option('--json', 'print JSON')
    .action(async (incident: string, file: string, flags: AddFlags) => {
      const query = new URLSearchParams({ name: flags.name ?? basename(file) })
      const optional: [string, string | undefined][] = [
        ['description', flags.description],
        ['acquiredBy', flags.acquiredBy],
        ['acquiredAt', flags.acquiredAt],
        ['acquiredWhere', flags.acquiredWhere],
        ['acquisitionMethod', flags.method],
        ['reason', flags.reason],
      ]
      for (const [key, value] of optional) if (value) query.set(key, value)
      const item = await uploadFile<PublicEvidence>(
        flags,
        `${incidentPath(incident)}?${query}`,
        file,
        flags.mediaType ?? 'application/octet-stream',
      )
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(item, null, 2)}\n`
          : `evidence ${item.id} added: ${item.name}, ${item.sizeBytes} bytes, sha256 ${item.sha256}${item.deduplicated ? ' (content already stored)' : ''}\n`,
      )
    })

  withApiFlags(evidence.command('list <incident>'))
    .description('evidence items of an incident')
    .option('--json', 'print JSON')
    .action(async (incident: string, flags: ApiFlags & { json?: boolean }) => {
      const { items } = await apiClient(flags).request<{ items: PublicEvidence[] }>(
        'GET',
        incidentPath(incident),
      )
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(items, null, 2)}\n`)
        return
      }
      printTable(
        items.map((item) => ({
          ...item,
          verified: item.lastVerifyResult,
          acquiredAt: item.acquiredAt.slice(0, 19),
        })),
        ['id', 'name', 'sizeBytes', 'sha256', 'acquiredBy', 'acquiredAt', 'verified'],
      )
    })

  withApiFlags(evidence.command('verify <incident> <evidenceId>'))
    .description('re-hash the stored file; exits 1 when it was modified or is missing')
    .action(async (incident: string, evidenceId: string, flags: ApiFlags) => {
      const outcome = await apiClient(flags).request<{
        result: string
        expectedSha256: string
        actualSha256: string | null
      }>('POST', `${incidentPath(incident)}/${encodeURIComponent(evidenceId)}/verify`)
      if (outcome.result === 'intact') {
        process.stdout.write(`intact: sha256 ${outcome.expectedSha256}\n`)
        return
      }
      throw new CliExit(
        EXIT.failure,
        `${outcome.result.toUpperCase()}: expected sha256 ${outcome.expectedSha256}, found ${outcome.actualSha256 ?? 'no file'}`,
      )
    })

  withApiFlags(evidence.command('get <incident> <evidenceId>'))
    .description('download the file (the reason is recorded in the chain of custody)')
    .requiredOption('-r, --reason <why>', 'why you need it')
    .option('-o, --output <file>', 'where to write it (default: the evidence name; never overwrites)')
    .action(
      async (incident: string, evidenceId: string, flags: ApiFlags & { reason: string; output?: string }) => {
        const itemPath = `${incidentPath(incident)}/${encodeURIComponent(evidenceId)}`
        let output = flags.output
        if (!output) {
          const { items } = await apiClient(flags).request<{ items: PublicEvidence[] }>(
            'GET',
            incidentPath(incident),
          )
          const item = items.find((candidate) => String(candidate.id) === evidenceId)
          output = basename(item?.name ?? `evidence-${evidenceId}`)
        }
        const saved = await downloadFile(
          flags,
          `${itemPath}/content?${new URLSearchParams({ reason: flags.reason })}`,
          output,
        )
        process.stdout.write(`saved ${output}: ${saved.sizeBytes} bytes, sha256 ${saved.sha256} (matches)\n`)
      },
    )
}
