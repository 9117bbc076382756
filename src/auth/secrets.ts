import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * High-entropy secrets (API tokens, session ids, CSRF tokens) are stored as SHA-256: unlike
 * passwords they cannot be guessed, so a slow hash buys nothing and would slow every request.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && timingSafeEqual(left, right)
}
