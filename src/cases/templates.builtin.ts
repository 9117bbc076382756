import type { CustomFieldDefinition, TemplateTask } from '../store/schema.js'

export interface TemplateDefinition {
  name: string
  title: string
  description: string | null
  severity: string
  tags: string[]
  tasks: TemplateTask[]
  fields: CustomFieldDefinition[]
}

const task = (title: string): TemplateTask => ({ title, kind: 'task' })
const followUp = (title: string): TemplateTask => ({ title, kind: 'follow_up' })

/** Shipped with Watchfloor (migration 012); teams edit or delete them like their own. */
export const BUILT_IN_TEMPLATES: TemplateDefinition[] = [
  {
    name: 'phishing',
    title: 'Phishing',
    description: 'A suspicious message reported by a user or caught by a detection.',
    severity: 'medium',
    tags: ['phishing', 'attack.initial_access', 'attack.t1566'],
    tasks: [
      task('Collect the original message with full headers as evidence'),
      task('Find every recipient, and who clicked, replied or opened the attachment'),
      task('Block the sender, URLs and domains at the mail gateway and proxy'),
      task('Purge the message from every mailbox'),
      task('Reset the credentials of anyone who entered them, and revoke their sessions'),
      followUp('Share the lure with the users who were targeted'),
    ],
    fields: [
      { name: 'sender', label: 'Sender address', type: 'string', required: true },
      { name: 'recipients', label: 'Recipients', type: 'number', required: false },
      {
        name: 'campaign_type',
        label: 'Campaign type',
        type: 'enum',
        options: ['credential_harvest', 'malware_attachment', 'business_email_compromise', 'other'],
        required: true,
      },
      { name: 'user_clicked', label: 'A user clicked', type: 'boolean', required: true },
      { name: 'credentials_entered', label: 'Credentials were entered', type: 'boolean', required: true },
      { name: 'first_reported_at', label: 'First reported', type: 'date', required: false },
    ],
  },
  {
    name: 'malware',
    title: 'Malware infection',
    description: 'Malicious code ran on one or more hosts.',
    severity: 'high',
    tags: ['malware', 'attack.execution'],
    tasks: [
      task('Isolate the affected hosts from the network'),
      task('Acquire memory and disk images before cleaning'),
      task('Collect the sample and its hashes as evidence'),
      task('Hunt for the hashes and indicators on every host'),
      task('Remove persistence, or reimage the hosts'),
      task('Confirm eradication with a fresh scan'),
      followUp('Close the gap the malware came in through'),
    ],
    fields: [
      { name: 'malware_family', label: 'Malware family', type: 'string', required: false },
      { name: 'affected_hosts', label: 'Affected hosts', type: 'number', required: true },
      { name: 'patient_zero', label: 'First infected host', type: 'string', required: false },
      {
        name: 'infection_vector',
        label: 'Infection vector',
        type: 'enum',
        options: ['email', 'web', 'removable_media', 'lateral_movement', 'vulnerability', 'unknown'],
        required: true,
      },
      { name: 'edr_blocked', label: 'Blocked by EDR', type: 'boolean', required: false },
    ],
  },
  {
    name: 'account-compromise',
    title: 'Account compromise',
    description: 'Someone other than its owner used an account.',
    severity: 'high',
    tags: ['account-compromise', 'attack.credential_access', 'attack.t1078'],
    tasks: [
      task('Disable the account or sign it out of every session'),
      task('Reset the password and re-register MFA'),
      task('Review sign-ins over the period of compromise'),
      task('Review mailbox rules, OAuth grants and API tokens made by the attacker'),
      task('Find what data was accessed or taken'),
      followUp('Enforce phishing-resistant MFA for this kind of account'),
    ],
    fields: [
      { name: 'account', label: 'Account', type: 'string', required: true },
      {
        name: 'identity_provider',
        label: 'Identity provider',
        type: 'enum',
        options: ['entra_id', 'okta', 'google', 'active_directory', 'other'],
        required: false,
      },
      { name: 'privileged', label: 'Privileged account', type: 'boolean', required: true },
      { name: 'mfa_enabled', label: 'MFA was enabled', type: 'boolean', required: true },
      {
        name: 'compromise_method',
        label: 'How it was compromised',
        type: 'enum',
        options: ['phishing', 'password_spray', 'credential_reuse', 'token_theft', 'malware', 'unknown'],
        required: true,
      },
      { name: 'compromised_since', label: 'Compromised since', type: 'date', required: false },
    ],
  },
]
