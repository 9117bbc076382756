/**
 * IPv4 and IPv6 CIDR ranges. Addresses are compared as 128-bit values (IPv4 as IPv4-mapped
 * IPv6), so `10.0.0.0/8` also contains `::ffff:10.1.2.3`.
 */
export interface CidrRange {
  network: bigint
  mask: bigint
}

const FULL = (1n << 128n) - 1n
const V4_MAPPED = 0xffffn << 32n

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0n
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    value = (value << 8n) | BigInt(octet)
  }
  return value
}

function parseIpv6(text: string): bigint | undefined {
  let address = text
  const zone = address.indexOf('%')
  if (zone >= 0) address = address.slice(0, zone)
  let tailV4: bigint | undefined
  const lastColon = address.lastIndexOf(':')
  if (address.includes('.', lastColon)) {
    tailV4 = parseIpv4(address.slice(lastColon + 1))
    if (tailV4 === undefined) return undefined
    address = `${address.slice(0, lastColon + 1)}0:0`
  }
  const halves = address.split('::')
  if (halves.length > 2) return undefined
  const head = halves[0] === '' ? [] : halves[0]!.split(':')
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : []
  const missing = 8 - head.length - tail.length
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  let value = 0n
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined
    value = (value << 16n) | BigInt(Number.parseInt(group, 16))
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4
  return value
}

/** An address as a 128-bit value, or undefined when the text is not an IP address. */
export function parseIp(text: string): bigint | undefined {
  const trimmed = text.trim()
  if (trimmed.includes(':')) return parseIpv6(trimmed.startsWith('[') ? trimmed.slice(1, -1) : trimmed)
  const v4 = parseIpv4(trimmed)
  return v4 === undefined ? undefined : V4_MAPPED | v4
}

export function parseCidr(text: string): CidrRange | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/')
  if (rest.length > 0) return undefined
  const isV6 = address.includes(':')
  const value = parseIp(address)
  if (value === undefined) return undefined
  const maxPrefix = isV6 ? 128 : 32
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText)
  if (
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > maxPrefix ||
    (prefixText !== undefined && !/^\d+$/.test(prefixText))
  ) {
    return undefined
  }
  const bits = BigInt(prefix + (isV6 ? 0 : 96))
  const mask = bits === 0n ? 0n : (FULL << (128n - bits)) & FULL
  return { network: value & mask, mask }
}

export function cidrContains(range: CidrRange, address: bigint): boolean {
  return (address & range.mask) === range.network
}
