import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { UserError } from '../core/errors.js'
import { loadConfig } from './load-config.js'

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wf-config-'))
  const file = path.join(dir, name)
  writeFileSync(file, content)
  return file
}

describe('configuration', () => {
  it('uses the documented defaults with nothing set', () => {
    const config = loadConfig({ env: {} })
    expect(config.port).toBe(8470)
    expect(config.dataDir).toBe('./data')
    expect(config.databaseUrl).toBeUndefined()
    expect(config.roles).toEqual(['web', 'ingest', 'detect', 'worker'])
  })

  it('layers file < environment < flags', () => {
    const file = tempFile('wf.yml', 'server:\n  port: 9000\n  host: 0.0.0.0\nlog:\n  level: debug\n')
    const config = loadConfig({ env: { WATCHFLOOR_PORT: '9100' }, file, overrides: { logLevel: 'warn' } })
    expect(config.host).toBe('0.0.0.0')
    expect(config.port).toBe(9100)
    expect(config.logLevel).toBe('warn')
  })

  it('reads secrets from <NAME>_FILE', () => {
    const secret = tempFile('db-url', 'postgres://wf:s3cret@db:5432/wf\n')
    const config = loadConfig({ env: { WATCHFLOOR_DATABASE_URL_FILE: secret } })
    expect(config.databaseUrl).toBe('postgres://wf:s3cret@db:5432/wf')
  })

  it('lists every problem at once, each with where it came from', () => {
    const file = tempFile('bad.yml', 'server:\n  prot: 80\nnode:\n  roles: [web, gardening]\n')
    let error: unknown
    try {
      loadConfig({ env: { WATCHFLOOR_PORT: 'eighty', WATCHFLOOR_DATABASE_URL: 'mysql://x' }, file })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(UserError)
    const { code, details, message } = error as UserError
    expect(code).toBe('invalid_config')
    const where = details.map((detail) => detail.path)
    expect(where).toEqual(
      expect.arrayContaining([
        'WATCHFLOOR_PORT',
        'WATCHFLOOR_DATABASE_URL',
        `${file}: node.roles`,
        `${file}: server.prot`,
      ]),
    )
    expect(message).toContain('4 problems')
  })

  it('names a YAML syntax error and its file', () => {
    const file = tempFile('broken.yml', 'server:\n  port: [1\n')
    expect(() => loadConfig({ env: {}, file })).toThrow(/broken\.yml/)
  })
})
