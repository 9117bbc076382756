import pino, { type Logger } from 'pino'
import type { Config } from '../config/settings.js'

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'watchfloor' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'token'],
      censor: '[redacted]',
    },
  })
}
