import type { EventDraft } from '../../normalise/event-draft.js'
import { asInteger, asIp, asText, type JsonObject } from '../../normalise/values.js'

const datasets = new Map<string, string>()
const CHANNEL_ALIASES: Record<string, string> = { 'windows powershell': 'powershell' }

/**
 * `Microsoft-Windows-Sysmon/Operational` → `windows.sysmon_operational`, `Security` →
 * `windows.security` (the names Winlogbeat uses). Cached: there are few channels.
 */
export function windowsDataset(channel: string | null): string {
  if (channel === null) return 'windows.event'
  let dataset = datasets.get(channel)
  if (dataset === undefined) {
    const lower = channel.toLowerCase()
    const stem = CHANNEL_ALIASES[lower] ?? lower.replace(/^microsoft-windows-/, '')
    dataset = `windows.${stem.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'event'}`
    if (datasets.size < 1000) datasets.set(channel, dataset)
  }
  return dataset
}

/** Logon events name the account that logged on in `Target*`; most others the actor in `Subject*`. */
const TARGET_USER_CODES = new Set(['4624', '4625', '4634', '4647', '4648', '4768', '4769', '4771', '4776'])

function setUser(draft: EventDraft, name: string | null, domain: string | null): boolean {
  if (name === null) return false
  const slash = name.indexOf('\\')
  if (slash > 0) {
    draft.userDomain = name.slice(0, slash)
    draft.userName = name.slice(slash + 1)
  } else {
    draft.userName = name
    draft.userDomain = domain
  }
  return true
}

function fillUser(data: JsonObject, draft: EventDraft, eventCode: string | null): void {
  const target = () => setUser(draft, asText(data.TargetUserName), asText(data.TargetDomainName))
  const subject = () => setUser(draft, asText(data.SubjectUserName), asText(data.SubjectDomainName))
  if (eventCode !== null && TARGET_USER_CODES.has(eventCode) && target()) return
  if (setUser(draft, asText(data.User), null)) return
  if (subject() || target()) return
  setUser(draft, asText(data.AccountName), asText(data.Domain))
}

/**
 * The common fields of a Windows event from its data: the flat agent record, evtx `EventData`
 * or Winlogbeat `winlog.event_data` all use the same names (Sysmon and Security auditing).
 */
export function fillWindowsFields(data: JsonObject, draft: EventDraft, eventCode: string | null): void {
  fillUser(data, draft, eventCode)

  const executable =
    asText(data.Image) ?? asText(data.NewProcessName) ?? asText(data.SourceImage) ?? asText(data.ProcessName)
  if (executable !== null) draft.processExecutable = executable
  const commandLine = asText(data.CommandLine)
  if (commandLine !== null) draft.processCommandLine = commandLine
  const newProcessId = data.NewProcessId
  if (newProcessId !== undefined) {
    draft.processPid = asInteger(newProcessId)
    draft.parentPid = asInteger(data.ProcessId)
  } else {
    draft.processPid = asInteger(data.ProcessId) ?? asInteger(data.SourceProcessId)
    draft.parentPid = asInteger(data.ParentProcessId)
  }
  draft.parentExecutable = asText(data.ParentImage) ?? asText(data.ParentProcessName)
  draft.parentCommandLine = asText(data.ParentCommandLine)

  draft.sourceIp =
    asIp(data.SourceIp) ?? asIp(data.IpAddress) ?? asIp(data.SourceAddress) ?? asIp(data.ClientAddress)
  draft.destinationIp = asIp(data.DestinationIp) ?? asIp(data.DestAddress)
  if (draft.sourceIp !== null) draft.sourcePort = asInteger(data.SourcePort) ?? asInteger(data.IpPort)
  if (draft.destinationIp !== null)
    draft.destinationPort = asInteger(data.DestinationPort) ?? asInteger(data.DestPort)
  const protocol = data.Protocol
  if (typeof protocol === 'string' && protocol.length > 0) draft.transport = protocol.toLowerCase()

  draft.filePath = asText(data.TargetFilename) ?? asText(data.ImageLoaded)
}
