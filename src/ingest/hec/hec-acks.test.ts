import { describe, expect, it } from 'vitest'
import { HecAcks } from './hec-acks.js'

describe('HecAcks', () => {
  it('numbers acks per channel from 0 and confirms only the ids it issued there', () => {
    const acks = new HecAcks()
    expect([acks.issue('a'), acks.issue('a'), acks.issue('b')]).toEqual([0, 1, 0])
    expect(acks.status('a', [0, 1, 2])).toEqual({ 0: true, 1: true, 2: false })
    expect(acks.status('b', [1])).toEqual({ 1: false })
    expect(acks.status('never-seen', [0])).toEqual({ 0: false })
  })

  it('forgets the least recently used channel beyond its bound', () => {
    const acks = new HecAcks(2)
    acks.issue('a')
    acks.issue('b')
    acks.status('a', [0])
    acks.issue('c')
    expect(acks.status('a', [0])).toEqual({ 0: true })
    expect(acks.status('b', [0])).toEqual({ 0: false })
    expect(acks.status('c', [0])).toEqual({ 0: true })
  })
})
