import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { OperationalError } from '../core/errors.js'

const VERSION = 'v1'
const PURPOSE = Buffer.from('watchfloor:stored-secret')

/**
 * Seals small secrets (channel URLs with tokens, passwords, keys) with AES-256-GCM: a fresh
 * 96-bit nonce per value, the tag checked on open. Stored as `v1.<nonce>.<tag>.<ciphertext>`.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new OperationalError('invalid_secret_key', 'the secret key must be 32 bytes')
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce)
    cipher.setAAD(PURPOSE)
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return [VERSION, nonce, cipher.getAuthTag(), sealed]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.')
  }

  open(text: string): string {
    const [version, nonce, tag, sealed] = text.split('.')
    if (version !== VERSION || nonce === undefined || tag === undefined || sealed === undefined)
      throw new OperationalError('secret_unreadable', 'a stored secret is not in a format this version reads')
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'))
      decipher.setAAD(PURPOSE)
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString(
        'utf8',
      )
    } catch (error) {
      throw new OperationalError(
        'secret_unreadable',
        'a stored secret cannot be opened with this secret key (was WATCHFLOOR_SECRET_KEY changed?)',
        [],
        { cause: error },
      )
    }
  }
}
