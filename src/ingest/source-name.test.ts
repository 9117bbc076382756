import { describe, expect, it } from 'vitest'
import { toSourceName } from './source-name.js'

describe('toSourceName', () => {
  it('lower-cases and keeps names that are already valid', () => {
    expect(toSourceName('Checkout')).toBe('checkout')
    expect(toSourceName('logs-nginx.access-default')).toBe('logs-nginx.access-default')
  })

  it('replaces runs of other characters with one dash and trims separators', () => {
    expect(toSourceName('unknown_service:node')).toBe('unknown_service-node')
    expect(toSourceName('  My Service / EU  ')).toBe('my-service-eu')
    expect(toSourceName('.hidden-index')).toBe('hidden-index')
  })

  it('cuts long names to 64 characters and gives up on names with nothing usable', () => {
    expect(toSourceName('a'.repeat(100))).toBe('a'.repeat(64))
    expect(toSourceName('%%%')).toBeUndefined()
    expect(toSourceName('')).toBeUndefined()
  })
})
