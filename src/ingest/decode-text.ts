import { isAscii } from 'node:buffer'

/**
 * Bytes received (a request body, a syslog message) as text. Most logs are pure ASCII: checked
 * at SIMD speed, such bytes are copied into a one-byte string, about three times faster than
 * UTF-8 decoding them (which gives the same text). Anything else is decoded as UTF-8.
 */
export function decodeText(bytes: Buffer, start = 0, end = bytes.length): string {
  const view = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end)
  return isAscii(view) ? view.toString('latin1') : view.toString('utf8')
}
