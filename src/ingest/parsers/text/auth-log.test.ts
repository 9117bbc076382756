import { describe, expect, it } from 'vitest'
import { parseError, parseOne } from './text-formats.test-support.js'

describe('auth.log (sshd, sudo)', () => {
  it('reads accepted and failed logins, password and publickey', () => {
    const accepted = parseOne(
      'Mar  1 09:15:02 bastion sshd[4121]: Accepted publickey for alice from 203.0.113.7 port 52144 ssh2: ED25519 SHA256:abc',
      'sshd',
    )
    expect(accepted).toMatchObject({
      dataset: 'system.auth',
      userName: 'alice',
      sourceIp: '203.0.113.7',
      eventCode: 'accepted',
    })
    expect(accepted.ecs.event).toMatchObject({ action: 'ssh_accepted', outcome: 'success' })
    expect(accepted.original.sshd).toMatchObject({ method: 'publickey', source_port: 52144 })

    const failed = parseOne(
      'Mar  1 09:15:09 bastion sshd[4122]: Failed password for root from 198.51.100.4 port 40000 ssh2',
      'sshd',
    )
    expect(failed).toMatchObject({ userName: 'root', sourceIp: '198.51.100.4', eventCode: 'failed' })
    expect(failed.ecs.event).toMatchObject({ outcome: 'failure' })
  })

  it('reads invalid users, both forms', () => {
    const invalid = parseOne(
      'Mar  1 09:16:00 bastion sshd[4123]: Invalid user admin from 192.0.2.9 port 3333',
      'sshd',
    )
    expect(invalid).toMatchObject({ eventCode: 'invalid_user', userName: 'admin', sourceIp: '192.0.2.9' })
    const failedInvalid = parseOne(
      'Mar  1 09:16:01 bastion sshd[4123]: Failed password for invalid user admin from 192.0.2.9 port 3333 ssh2',
      'sshd',
    )
    expect(failedInvalid.original.sshd).toMatchObject({ invalid_user: true, user: 'admin', event: 'failed' })
  })

  it('is recognised inside the syslog parser and by auto-detection', () => {
    const event = parseOne(
      '<38>Mar  1 09:17:00 bastion sshd[9]: Connection closed by authenticating user bob 192.0.2.10 port 22 [preauth]',
    )
    expect(event).toMatchObject({
      dataset: 'system.auth',
      eventCode: 'connection_closed',
      userName: 'bob',
      sourceIp: '192.0.2.10',
    })
  })

  it('reads sudo commands', () => {
    const event = parseOne(
      'Mar  1 10:00:00 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u',
      'sshd',
    )
    expect(event).toMatchObject({
      userName: 'alice',
      processCommandLine: '/usr/bin/id -u',
      eventCode: 'command',
    })
  })

  it('refuses text that has no syslog header', () => {
    expect(parseError('Accepted password for alice', 'sshd')).toMatch(/not a syslog line/)
  })
})
