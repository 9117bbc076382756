/**
 * Splunk sourcetypes that name a format one of our parsers reads. A HEC sender that says
 * `"sourcetype":"linux_secure"` gets the sshd parser when its source is set to `auto`, instead
 * of content detection; a source with a named parser keeps it. Names are Splunk's own and those
 * of the common Splunk add-ons (AWS, Okta, Zeek/Bro, Suricata, Kubernetes, Windows).
 */
const EXACT = new Map<string, string>(
  Object.entries({
    'aws:cloudtrail': 'cloudtrail',
    'aws:cloudwatchlogs:vpcflow': 'vpcflow',
    'aws:guardduty': 'guardduty',
    'aws:cloudwatch:guardduty': 'guardduty',
    'google:gcp:pubsub:audit': 'gcp_audit',
    'google:gcp:audit': 'gcp_audit',
    'okta:im2': 'okta',
    'okta:im:log': 'okta',
    'github:enterprise:audit': 'github_audit',
    'github:audit': 'github_audit',
    'gws:reports': 'google_workspace',
    'kube:apiserver:audit': 'kubernetes_audit',
    'k8s:audit': 'kubernetes_audit',
    suricata: 'suricata',
    'suricata:eve': 'suricata',
    linux_secure: 'sshd',
    'linux:audit': 'auditd',
    linux_audit: 'auditd',
    syslog: 'syslog',
    cef: 'cef',
    leef: 'leef',
    _json: 'json',
    json: 'json',
    kv_mode: 'kv',
    xmlwineventlog: 'windows',
    wineventlog: 'windows',
  }),
)

/** `bro:conn:json`, `zeek:dns`, `WinEventLog:Security`, `XmlWinEventLog:Microsoft-Windows-Sysmon/Operational` … */
const PREFIXES: ReadonlyArray<[string, string]> = [
  ['bro:', 'zeek'],
  ['zeek:', 'zeek'],
  ['wineventlog:', 'windows'],
  ['xmlwineventlog:', 'windows'],
  ['aws:cloudtrail:', 'cloudtrail'],
  ['suricata:', 'suricata'],
]

export function parserForSourcetype(sourcetype: string | undefined): string | undefined {
  if (sourcetype === undefined) return undefined
  const name = sourcetype.toLowerCase()
  return EXACT.get(name) ?? PREFIXES.find(([prefix]) => name.startsWith(prefix))?.[1]
}
