import { describe, expect, it } from 'vitest'
import { sourceNameForIndex } from './index-name.js'

describe('sourceNameForIndex', () => {
  it('drops the daily date, the rollover counter and the shipper version', () => {
    expect(sourceNameForIndex('logs-2026.11.22')).toBe('logs')
    expect(sourceNameForIndex('Logstash-2026.11.22-000001')).toBe('logstash')
    expect(sourceNameForIndex('filebeat-7.17.0-2026.11.22')).toBe('filebeat')
    expect(sourceNameForIndex('winlogbeat-8.11.0')).toBe('winlogbeat')
    expect(sourceNameForIndex('fw_20261122')).toBe('fw')
    expect(sourceNameForIndex('proxy-2026-11')).toBe('proxy')
  })

  it('keeps data stream names and resolves date math', () => {
    expect(sourceNameForIndex('logs-nginx.access-default')).toBe('logs-nginx.access-default')
    expect(sourceNameForIndex('<logs-{now/d{yyyy.MM.dd|+12:00}}>')).toBe('logs')
  })

  it('has no source for a name with nothing usable in it', () => {
    expect(sourceNameForIndex('***')).toBeUndefined()
  })
})
