import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { NotificationMessage } from '../message.js'
import { SecretBox } from '../secret-box.js'
import { ensureSecretKey } from '../secret-key.js'
import { startHttpReceiver } from '../test-support/http-receiver.js'
import { buildNotice } from '../test-support/notices.js'
import { startSmtpReceiver } from '../test-support/smtp-receiver.js'
import type { DeliveryContext } from './define-channel.js'
import email from './email.js'
import slack from './slack.js'
import teams from './teams.js'

function message(): NotificationMessage {
  const alert = buildNotice({ hosts: ['dc01'], users: ['CORP\\bob'], severity: 'critical', eventCount: 12 })
  return {
    event: 'alert.created',
    idempotencyKey: `alert-${alert.id}:created:ch-1`,
    createdAt: alert.createdAt,
    alert,
  }
}

function context(key: string): DeliveryContext {
  return {
    idempotencyKey: key,
    publicUrl: 'https://soc.example',
    signal: AbortSignal.timeout(10_000),
    timeoutMs: 10_000,
  }
}

describe('channels over real loopback receivers', () => {
  it('Slack: Block Kit with severity, rule, entities, count and a console link', async () => {
    const receiver = await startHttpReceiver()
    try {
      const sent = message()
      await slack.deliver(
        sent,
        { webhookUrl: `${receiver.url}/services/T0/B0/XYZ` },
        context(sent.idempotencyKey),
      )
      const body = receiver.requests[0]!.json as { text: string; blocks: { type: string }[] }
      expect(body.text).toContain('[CRITICAL] Mimikatz command line on dc01')
      const text = JSON.stringify(body.blocks)
      for (const part of ['*Severity*\\ncritical', 'dc01', 'CORP\\\\bob', '*Events*\\n12'])
        expect(text).toContain(part)
      expect(text).toContain(`https://soc.example/alerts/${sent.alert!.id}`)
      expect(receiver.requests[0]!.idempotencyKey).toBe(sent.idempotencyKey)
    } finally {
      await receiver.close()
    }
  })

  it('Teams: an Adaptive Card with the facts and an Open action', async () => {
    const receiver = await startHttpReceiver()
    try {
      const sent = message()
      await teams.deliver(sent, { webhookUrl: `${receiver.url}/webhookb2/abc` }, context(sent.idempotencyKey))
      const body = receiver.requests[0]!.json as {
        attachments: {
          contentType: string
          content: { type: string; body: unknown[]; actions: { url: string }[] }
        }[]
      }
      const card = body.attachments[0]!
      expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive')
      expect(card.content.type).toBe('AdaptiveCard')
      expect(JSON.stringify(card.content.body)).toContain('"title":"Hosts","value":"dc01"')
      expect(card.content.actions[0]!.url).toBe(`https://soc.example/alerts/${sent.alert!.id}`)
    } finally {
      await receiver.close()
    }
  })

  it('email: over STARTTLS to a real SMTP server, authenticated, trusting its certificate', async () => {
    const smtp = await startSmtpReceiver({ user: 'watchfloor', password: 'mail-password-1' })
    try {
      const sent = message()
      await email.deliver(
        sent,
        {
          host: 'localhost',
          port: smtp.port,
          username: 'watchfloor',
          password: 'mail-password-1',
          from: 'watchfloor@soc.example',
          to: ['oncall@soc.example'],
          caPem: smtp.certPem,
        },
        context(sent.idempotencyKey),
      )
      expect(smtp.mails).toHaveLength(1)
      const mail = smtp.mails[0]!
      expect(mail.secure).toBe(true)
      expect(mail.user).toBe('watchfloor')
      expect(mail.to).toEqual(['oncall@soc.example'])
      expect(mail.raw).toContain('Subject: Watchfloor: [CRITICAL] Mimikatz command line on dc01')
      expect(mail.raw).toContain(`Idempotency-Key: ${sent.idempotencyKey}`)
    } finally {
      await smtp.close()
    }
  })

  it('email: refuses a server whose certificate it does not trust', async () => {
    const smtp = await startSmtpReceiver({ user: 'u', password: 'p' })
    try {
      const sent = message()
      await expect(
        email.deliver(
          sent,
          { host: 'localhost', port: smtp.port, from: 'a@b.c', to: ['d@e.f'] },
          context(sent.idempotencyKey),
        ),
      ).rejects.toThrow(/SMTP delivery failed/)
      expect(smtp.mails).toHaveLength(0)
    } finally {
      await smtp.close()
    }
  })
})

describe('secret key and sealed secrets', () => {
  it('generates a key file with mode 0600 on first start and reads it back after', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wf-key-'))
    try {
      const first = ensureSecretKey({ dataDir }, pino({ level: 'silent' }))
      expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600)
      expect(ensureSecretKey({ dataDir }, pino({ level: 'silent' })).equals(first)).toBe(true)
      const box = new SecretBox(first)
      const sealed = box.seal('https://hooks.slack.com/services/T0/B0/secret')
      expect(sealed).not.toContain('secret')
      expect(box.open(sealed)).toBe('https://hooks.slack.com/services/T0/B0/secret')
      expect(() => new SecretBox(Buffer.alloc(32, 1)).open(sealed)).toThrow(/cannot be opened/)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
