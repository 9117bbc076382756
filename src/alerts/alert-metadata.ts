import type { AlertEntities } from '../store/schema.js'

/** Sigma levels to alert severity and a 0-100 risk score (as Elastic's default mapping does). */
export const SEVERITY_BY_LEVEL: Record<string, { severity: string; risk: number }> = {
  informational: { severity: 'info', risk: 10 },
  low: { severity: 'low', risk: 21 },
  medium: { severity: 'medium', risk: 47 },
  high: { severity: 'high', risk: 73 },
  critical: { severity: 'critical', risk: 99 },
}

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const

export function severityOf(level: string): { severity: string; risk: number } {
  return SEVERITY_BY_LEVEL[level] ?? SEVERITY_BY_LEVEL.medium!
}

const TACTICS = new Set([
  'reconnaissance',
  'resource_development',
  'initial_access',
  'execution',
  'persistence',
  'privilege_escalation',
  'defense_evasion',
  'credential_access',
  'discovery',
  'lateral_movement',
  'collection',
  'command_and_control',
  'exfiltration',
  'impact',
])

/** ATT&CK tactics (`attack.execution`) and techniques (`attack.t1059.001`) from Sigma tags. */
export function attackFromTags(tags: readonly string[]): { tactics: string[]; techniques: string[] } {
  const tactics: string[] = []
  const techniques: string[] = []
  for (const tag of tags) {
    const lower = tag.toLowerCase()
    if (!lower.startsWith('attack.')) continue
    const name = lower.slice(7).replaceAll('-', '_')
    if (TACTICS.has(name)) tactics.push(name)
    else if (/^t\d{4}(\.\d{3})?$/.test(name)) techniques.push(name.toUpperCase())
  }
  return { tactics, techniques }
}

export function emptyEntities(): AlertEntities {
  return { hosts: [], users: [], ips: [], processes: [], hashes: [], domains: [], urls: [], files: [] }
}

const MAX_ENTITIES_PER_KIND = 50
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/
const HASH = /^(?:[a-f0-9]{32}|[a-f0-9]{40}|[a-f0-9]{64})$/i

function add(list: string[], value: unknown): void {
  if (typeof value !== 'string' && typeof value !== 'number') return
  const text = String(value).trim()
  if (!text || text === '-' || list.includes(text) || list.length >= MAX_ENTITIES_PER_KIND) return
  list.push(text)
}

/**
 * Entities an analyst pivots on, from a detection's context and matched fields: hosts, users,
 * addresses, processes, file hashes (Sysmon's `Hashes` field split), domains, URLs, files.
 */
export function extractEntities(
  into: AlertEntities,
  context: Record<string, unknown> | null,
  matched: Record<string, unknown>,
): AlertEntities {
  if (context) {
    add(into.hosts, context.host)
    add(into.users, context.user)
    add(into.ips, context.sourceIp)
    add(into.ips, context.destinationIp)
  }
  // A correlation's matched fields are its group-by values (`group`), one level down.
  const group = matched.group
  const fields =
    group !== null && typeof group === 'object' && !Array.isArray(group)
      ? [...Object.entries(matched), ...Object.entries(group)]
      : Object.entries(matched)
  for (const [field, value] of fields) {
    const name = field.toLowerCase()
    if (typeof value !== 'string' && typeof value !== 'number') continue
    const text = String(value)
    if (
      /(^|\.)(ip|ipaddress|sourceip|destinationip|source_ip|destination_ip|src_ip|dst_ip|dest_ip|clientip|client_ip)$/.test(
        name,
      ) ||
      IPV4.test(text)
    )
      add(into.ips, text)
    else if (name.endsWith('hashes'))
      for (const part of text.split(',')) add(into.hashes, part.split('=').pop())
    else if (HASH.test(text)) add(into.hashes, text)
    else if (/(image|process|parentimage|executable)$/.test(name)) add(into.processes, text)
    else if (/(user|username|targetusername|subjectusername)$/.test(name)) add(into.users, text)
    else if (/(hostname|computer|workstationname)$/.test(name)) add(into.hosts, text)
    else if (/(queryname|domain|dns\.question\.name)$/.test(name)) add(into.domains, text)
    else if (/url$/.test(name)) add(into.urls, text)
    else if (/(targetfilename|filename|file\.path)$/.test(name)) add(into.files, text)
  }
  return into
}

export function mergeEntities(target: AlertEntities, source: AlertEntities): AlertEntities {
  for (const key of Object.keys(target) as (keyof AlertEntities)[])
    for (const value of source[key] ?? []) add(target[key], value)
  return target
}
