/**
 * Field mapping and log-source routing as configuration. `defaultMappingConfig` encodes, for
 * Windows, the same log-source → channel/EventID map as SigmaHQ's own regression runner
 * (`tests/thor.yml` in SigmaHQ/sigma), and for the cloud, Linux and network sources the ingest
 * parsers read, the fields every record of that source has; callers override or extend it with
 * `mergeMappingConfig`.
 */

/** A rule `logsource` as the mapping sees it. */
export interface LogsourceSelector {
  product?: string
  category?: string
  service?: string
}

/** One test on an event field, by the names the rules use (`Channel`, `EventID`, `EventType`, `eventSource`). */
export interface SourceCondition {
  field: string
  /** Accepted values, compared case-insensitively as text; absent means "the field exists". */
  values?: Array<string | number>
}

/**
 * One way an event is recognised as belonging to a log source. A rule whose logsource asks for
 * product/category/service values that this entry has is evaluated on events that pass `conditions`.
 */
export interface LogsourceMapping {
  /** A name for messages and tests, e.g. `process_creation/sysmon`. */
  name: string
  logsource: LogsourceSelector
  /** All must hold (AND). An entry without conditions applies to every event. */
  conditions: SourceCondition[]
  /** Rule field name → event field name, for this source only (e.g. Image → NewProcessName on 4688). */
  fieldMappings?: Record<string, string>
}

export interface MappingConfig {
  logsources: LogsourceMapping[]
  /**
   * For ECS-shaped events (Winlogbeat, Elastic Agent): rule field name → ECS paths to try, in
   * order, after `winlog.event_data.<name>`.
   */
  ecsFields: Record<string, string[]>
  /** Fields holding the event time, tried in order (dotted paths allowed); used for `RuleMatch.timestamp`. */
  timestampFields: string[]
  /**
   * What to do with rules whose logsource no entry describes (e.g. `product: linux` when the
   * config maps only Windows): `never` (default, documented in `watchfloor scan` output) or `always`
   * (evaluate them on every event, as a keyword scanner would).
   */
  unmappedRules: 'never' | 'always'
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational'

/** Windows channels by Sigma `service`, as in thor.yml's "target system configurations". */
export const WINDOWS_SERVICE_CHANNELS: Record<string, string[]> = {
  application: ['Application'],
  security: ['Security'],
  system: ['System'],
  ntlm: ['Microsoft-Windows-NTLM/Operational'],
  sysmon: [SYSMON],
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': ['Windows PowerShell'],
  taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
  wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
  dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
  'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
  'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
  'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
  'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
  'smbserver-connectivity': ['Microsoft-Windows-SMBServer/Connectivity'],
  'terminalservices-localsessionmanager': [
    'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
  ],
  'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'msexchange-management': ['MSExchange Management'],
  windefend: ['Microsoft-Windows-Windows Defender/Operational'],
  'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
  'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
  'security-mitigations': [
    'Microsoft-Windows-Security-Mitigations/Kernel Mode',
    'Microsoft-Windows-Security-Mitigations/User Mode',
  ],
  'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
  'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
  openssh: ['OpenSSH/Operational'],
  ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
  bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
  vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
  'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
  'lsa-server': ['Microsoft-Windows-LSA/Operational'],
  'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
  'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
  'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
  capi2: ['Microsoft-Windows-CAPI2/Operational'],
  'certificateservicesclient-lifecycle-system': [
    'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
  ],
  'kernel-shimengine': [
    'Microsoft-Windows-Kernel-ShimEngine/Operational',
    'Microsoft-Windows-Kernel-ShimEngine/Diagnostic',
  ],
  'application-experience': [
    'Microsoft-Windows-Application-Experience/Program-Telemetry',
    'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant',
  ],
  ntfs: ['Microsoft-Windows-Ntfs/Operational'],
  'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker'],
  'kernel-event-tracing': ['Microsoft-Windows-Kernel-EventTracing'],
  sense: ['Microsoft-Windows-SENSE/Operational'],
  'servicebus-client': ['Microsoft-ServiceBus-Client/Admin', 'Microsoft-ServiceBus-Client/Operational'],
  'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
}

/**
 * Sigma `category` → Windows channel service and EventIDs (thor.yml "generic sigma rules"). `extra`
 * adds a field condition (the registry split by EventType); `fieldMappings` renames rule fields.
 */
interface CategorySource {
  category: string
  service: string
  eventIds: number[]
  extra?: SourceCondition[]
  fieldMappings?: Record<string, string>
}

const sysmon = (category: string, ...eventIds: number[]): CategorySource => ({
  category,
  service: 'sysmon',
  eventIds,
})

export const WINDOWS_CATEGORY_SOURCES: CategorySource[] = [
  sysmon('process_creation', 1),
  {
    category: 'process_creation',
    service: 'security',
    eventIds: [4688],
    fieldMappings: { Image: 'NewProcessName', ParentImage: 'ParentProcessName' },
  },
  sysmon('file_change', 2),
  sysmon('network_connection', 3),
  sysmon('sysmon_status', 4, 16),
  sysmon('process_termination', 5),
  sysmon('driver_load', 6),
  sysmon('image_load', 7),
  sysmon('create_remote_thread', 8),
  sysmon('raw_access_thread', 9),
  sysmon('process_access', 10),
  sysmon('file_event', 11),
  sysmon('registry_event', 12, 13, 14),
  { ...sysmon('registry_add', 12), extra: [{ field: 'EventType', values: ['CreateKey'] }] },
  { ...sysmon('registry_delete', 12), extra: [{ field: 'EventType', values: ['DeleteKey', 'DeleteValue'] }] },
  sysmon('registry_set', 13),
  sysmon('registry_rename', 14),
  sysmon('create_stream_hash', 15),
  sysmon('pipe_created', 17, 18),
  sysmon('wmi_event', 19, 20, 21),
  sysmon('dns_query', 22),
  sysmon('file_delete', 23),
  sysmon('clipboard_change', 24),
  sysmon('process_tampering', 25),
  sysmon('file_delete_detected', 26),
  sysmon('file_block_executable', 27),
  sysmon('file_block_shredding', 28),
  sysmon('file_executable_detected', 29),
  sysmon('sysmon_error', 255),
  { category: 'ps_module', service: 'powershell', eventIds: [4103] },
  { category: 'ps_script', service: 'powershell', eventIds: [4104] },
  { category: 'ps_classic_start', service: 'powershell-classic', eventIds: [400] },
  { category: 'ps_classic_provider_start', service: 'powershell-classic', eventIds: [600] },
  { category: 'ps_classic_script', service: 'powershell-classic', eventIds: [800] },
  {
    category: 'antivirus',
    service: 'windefend',
    eventIds: [1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116],
    fieldMappings: { Signature: 'ThreatName', Filename: 'Path' },
  },
]

function windowsLogsources(): LogsourceMapping[] {
  const byService = Object.entries(WINDOWS_SERVICE_CHANNELS).map(
    ([service, channels]): LogsourceMapping => ({
      name: `windows/${service}`,
      logsource: { product: 'windows', service },
      conditions: [{ field: 'Channel', values: channels }],
    }),
  )
  const byCategory = WINDOWS_CATEGORY_SOURCES.map((source): LogsourceMapping => {
    const entry: LogsourceMapping = {
      name: `${source.category}/${source.service}`,
      logsource: { product: 'windows', category: source.category, service: source.service },
      conditions: [
        { field: 'Channel', values: WINDOWS_SERVICE_CHANNELS[source.service] ?? [] },
        { field: 'EventID', values: source.eventIds },
        ...(source.extra ?? []),
      ],
    }
    if (source.fieldMappings !== undefined) entry.fieldMappings = source.fieldMappings
    return entry
  })
  return [...byService, ...byCategory]
}

/** Cloud sources recognised by fields every record of that source has. */
const CLOUD_LOGSOURCES: LogsourceMapping[] = [
  {
    name: 'aws/cloudtrail',
    logsource: { product: 'aws', service: 'cloudtrail' },
    conditions: [{ field: 'eventSource' }, { field: 'eventName' }, { field: 'awsRegion' }],
  },
  {
    name: 'gcp/audit',
    logsource: { product: 'gcp', service: 'gcp.audit' },
    conditions: [{ field: 'protoPayload.methodName' }, { field: 'logName' }],
  },
  {
    name: 'google_workspace/admin',
    logsource: { product: 'google_workspace', service: 'google_workspace.admin' },
    conditions: [{ field: 'id.applicationName', values: ['admin'] }],
  },
  {
    name: 'okta/okta',
    logsource: { product: 'okta', service: 'okta' },
    conditions: [{ field: 'eventType' }, { field: 'published' }, { field: 'actor' }],
  },
  {
    name: 'github/audit',
    logsource: { product: 'github', service: 'audit' },
    conditions: [{ field: 'action' }, { field: 'actor' }, { field: 'org' }],
  },
  {
    name: 'kubernetes/audit',
    logsource: { product: 'kubernetes', service: 'audit' },
    conditions: [
      { field: 'kind', values: ['Event'] },
      { field: 'apiVersion', values: ['audit.k8s.io/v1', 'audit.k8s.io/v1beta1'] },
    ],
  },
]

/** Linux syslog programs by Sigma `service` (the syslog APP-NAME or tag). */
const LINUX_SERVICE_PROGRAMS: Record<string, string[]> = {
  sshd: ['sshd'],
  sudo: ['sudo'],
  cron: ['cron', 'CRON', 'crond'],
  vsftpd: ['vsftpd'],
  clamav: ['clamd', 'freshclam', 'clamav'],
  auth: [
    'sshd',
    'sudo',
    'su',
    'login',
    'systemd-logind',
    'passwd',
    'chpasswd',
    'chage',
    'useradd',
    'userdel',
    'usermod',
    'groupadd',
    'groupdel',
    'gpasswd',
    'pkexec',
    'polkitd',
  ],
}

/**
 * Where the syslog program name is: `syslog.appname` as our syslog parser keeps it, `appName`
 * (Vector, NXLog) or `programname` (rsyslog's JSON templates) from shippers that parse syslog.
 */
const PROGRAM_FIELDS = ['syslog.appname', 'appName', 'programname']

/** Linux, network and sensor sources the ingest parsers produce. */
const HOST_AND_NETWORK_LOGSOURCES: LogsourceMapping[] = [
  ...linuxProgramLogsources(),
  {
    name: 'linux/syslog',
    logsource: { product: 'linux', service: 'syslog' },
    conditions: [{ field: 'syslog.appname' }],
  },
  {
    name: 'linux/auditd',
    logsource: { product: 'linux', service: 'auditd' },
    conditions: [{ field: 'type' }, { field: 'msg' }],
  },
  {
    name: 'suricata/eve',
    logsource: { product: 'suricata', service: 'eve' },
    conditions: [{ field: 'event_type' }, { field: 'src_ip' }],
  },
  ...zeekLogsources(),
]

function linuxProgramLogsources(): LogsourceMapping[] {
  return Object.entries(LINUX_SERVICE_PROGRAMS).flatMap(([service, programs]) =>
    PROGRAM_FIELDS.map(
      (field): LogsourceMapping => ({
        name: `linux/${service}/${field}`,
        logsource: { product: 'linux', service },
        conditions: [{ field, values: programs }],
      }),
    ),
  )
}

/**
 * Zeek logs by Sigma `service`. A record names its log in `_path` when the shipper keeps it;
 * otherwise the fields only that log has tell it apart.
 */
function zeekLogsources(): LogsourceMapping[] {
  const shapes: Record<string, SourceCondition[]> = {
    conn: [{ field: 'conn_state' }],
    dns: [{ field: 'query' }, { field: 'qtype_name' }],
    http: [{ field: 'method' }, { field: 'uri' }],
    ssl: [{ field: 'server_name' }, { field: 'established' }],
    x509: [{ field: 'certificate.subject' }],
    smb_files: [{ field: 'action' }, { field: 'path' }, { field: 'name' }],
    dce_rpc: [{ field: 'endpoint' }, { field: 'operation' }],
    kerberos: [{ field: 'request_type' }, { field: 'client' }],
    rdp: [{ field: 'cookie' }, { field: 'security_protocol' }],
  }
  return Object.entries(shapes).flatMap(([service, fields]): LogsourceMapping[] => [
    {
      name: `zeek/${service}/_path`,
      logsource: { product: 'zeek', service },
      conditions: [{ field: '_path', values: [service] }],
    },
    {
      name: `zeek/${service}`,
      logsource: { product: 'zeek', service },
      conditions: [{ field: 'uid' }, { field: 'id.orig_h' }, ...fields],
    },
  ])
}

/** Winlogbeat / Elastic Agent ECS names for the Sysmon and Security fields rules use most. */
export const DEFAULT_ECS_FIELDS: Record<string, string[]> = {
  Channel: ['winlog.channel'],
  EventID: ['winlog.event_id', 'event.code'],
  Provider_Name: ['winlog.provider_name'],
  Computer: ['winlog.computer_name', 'host.name'],
  Image: ['process.executable'],
  CommandLine: ['process.command_line'],
  ProcessId: ['process.pid'],
  ProcessGuid: ['process.entity_id'],
  CurrentDirectory: ['process.working_directory'],
  OriginalFileName: ['process.pe.original_file_name'],
  Description: ['process.pe.description'],
  Product: ['process.pe.product'],
  Company: ['process.pe.company'],
  FileVersion: ['process.pe.file_version'],
  Hashes: ['winlog.event_data.Hashes'],
  ParentImage: ['process.parent.executable'],
  ParentCommandLine: ['process.parent.command_line'],
  ParentProcessId: ['process.parent.pid'],
  ParentProcessGuid: ['process.parent.entity_id'],
  User: ['user.name'],
  TargetFilename: ['file.path'],
  ImageLoaded: ['file.path'],
  TargetObject: ['registry.path'],
  Details: ['registry.data.strings'],
  DestinationIp: ['destination.ip'],
  DestinationPort: ['destination.port'],
  DestinationHostname: ['destination.domain'],
  SourceIp: ['source.ip'],
  SourcePort: ['source.port'],
  SourceHostname: ['source.domain'],
  Protocol: ['network.transport'],
  QueryName: ['dns.question.name'],
  PipeName: ['file.name'],
  ScriptBlockText: ['powershell.file.script_block_text'],
}

export const defaultMappingConfig: MappingConfig = {
  logsources: [...windowsLogsources(), ...CLOUD_LOGSOURCES, ...HOST_AND_NETWORK_LOGSOURCES],
  ecsFields: DEFAULT_ECS_FIELDS,
  timestampFields: [
    '@timestamp',
    'Event.System.TimeCreated.#attributes.SystemTime',
    'UtcTime',
    'eventTime',
    'timestamp',
  ],
  unmappedRules: 'never',
}

/** The default config with `override` applied: logsource entries are appended, the rest replaces. */
export function mergeMappingConfig(
  override: Partial<MappingConfig>,
  base: MappingConfig = defaultMappingConfig,
): MappingConfig {
  return {
    logsources: [...base.logsources, ...(override.logsources ?? [])],
    ecsFields: { ...base.ecsFields, ...override.ecsFields },
    timestampFields: override.timestampFields ?? base.timestampFields,
    unmappedRules: override.unmappedRules ?? base.unmappedRules,
  }
}
