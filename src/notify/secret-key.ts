import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Logger } from 'pino'
import { OperationalError } from '../core/errors.js'

/** 64 hex digits or base64 of 32 bytes (the setting's schema has checked which). */
export function decodeSecretKey(text: string): Buffer {
  const trimmed = text.trim()
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64')
  if (key.length !== 32)
    throw new OperationalError(
      'invalid_secret_key',
      'the secret key must be 32 bytes (64 hex digits or base64)',
    )
  return key
}

/**
 * The configured key, or the one in `<dataDir>/secret.key`, created (mode 0600) on first start.
 * A generated key belongs to this node: nodes sharing PostgreSQL must be given the same key.
 */
export function ensureSecretKey(
  config: { secretKey?: string | undefined; dataDir: string },
  logger: Logger,
): Buffer {
  if (config.secretKey) return decodeSecretKey(config.secretKey)
  const file = path.join(config.dataDir, 'secret.key')
  try {
    return decodeSecretKey(readFileSync(file, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  mkdirSync(config.dataDir, { recursive: true })
  const key = randomBytes(32)
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  logger.warn(
    { file },
    'generated the secret key that seals stored secrets; back it up, and give every node sharing the database the same WATCHFLOOR_SECRET_KEY',
  )
  return key
}
