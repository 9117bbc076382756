import { cloudTrailParser } from './json/cloudtrail.js'
import { gcpAuditParser } from './json/gcp-audit.js'
import { genericJsonParser } from './json/generic-json.js'
import { githubAuditParser } from './json/github-audit.js'
import { googleWorkspaceParser } from './json/google-workspace.js'
import { guardDutyParser } from './json/guardduty.js'
import { kubernetesAuditParser } from './json/kubernetes-audit.js'
import { oktaParser } from './json/okta.js'
import { suricataParser } from './json/suricata.js'
import { vpcFlowParser } from './json/vpc-flow.js'
import { windowsParser } from './json/windows.js'
import { zeekParser } from './json/zeek.js'
import { auditdParser } from './text/auditd-parser.js'
import { cefParser } from './text/cef-parser.js'
import { kvParser } from './text/kv-parser.js'
import { leefParser } from './text/leef-parser.js'
import { plainTextParser } from './text/plain-text.js'
import { sshdParser, syslogParser } from './text/syslog-parser.js'
import type { Parser } from './types.js'

/** The name a source gives to have its parser chosen from each record's content. */
export const AUTO_PARSER = 'auto'

const PARSERS: readonly Parser[] = [
  windowsParser,
  cloudTrailParser,
  vpcFlowParser,
  guardDutyParser,
  gcpAuditParser,
  oktaParser,
  githubAuditParser,
  googleWorkspaceParser,
  kubernetesAuditParser,
  zeekParser,
  suricataParser,
  genericJsonParser,
  syslogParser,
  sshdParser,
  cefParser,
  leefParser,
  kvParser,
  auditdParser,
  plainTextParser,
]

const BY_NAME = new Map(PARSERS.map((parser) => [parser.name, parser]))

export function getParser(name: string): Parser | undefined {
  return BY_NAME.get(name)
}

/** Every parser a source may name, `auto` first. */
export function parserNames(): string[] {
  return [AUTO_PARSER, ...BY_NAME.keys()]
}

export function isKnownParser(name: string): boolean {
  return name === AUTO_PARSER || BY_NAME.has(name)
}
