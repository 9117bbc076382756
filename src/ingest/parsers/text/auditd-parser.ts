import { failure, type Parser, type ParserResult } from '../types.js'
import { auditdDraft, parseAuditd } from './auditd.js'

export const auditdParser: Parser = {
  name: 'auditd',
  summary: 'Linux audit records (type=… msg=audit(epoch:serial): …), raw or enriched',
  parseText(line): ParserResult {
    const fields = parseAuditd(line)
    return typeof fields === 'string' ? failure(fields) : auditdDraft(fields)
  },
}
