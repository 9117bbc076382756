import type { Logger } from 'pino'
import { SYSTEM_ACTOR } from '../../auth/actor.js'
import type { Config } from '../../config/settings.js'
import type { Services } from '../../server/services.js'
import { type SyslogListeners, startSyslog } from './syslog-server.js'

/** Starts the syslog listeners the configuration asks for; none when no port is set. */
export async function startSyslogIfConfigured(
  config: Config,
  services: Services,
  logger: Logger,
): Promise<SyslogListeners | undefined> {
  if (
    config.syslogUdpPort === undefined &&
    config.syslogTcpPort === undefined &&
    config.syslogTlsPort === undefined
  )
    return undefined
  if (!(await services.sources.resolve(config.syslogSource))) {
    await services.sources.create(
      config.syslogSource,
      { parser: 'syslog', description: 'syslog listeners' },
      SYSTEM_ACTOR,
      { ip: null, requestId: 'startup' },
    )
  }
  return startSyslog(
    {
      host: config.host,
      udpPort: config.syslogUdpPort,
      tcpPort: config.syslogTcpPort,
      tlsPort: config.syslogTlsPort,
      tlsCertFile: config.syslogTlsCertFile,
      tlsKeyFile: config.syslogTlsKeyFile,
      source: config.syslogSource,
    },
    { ingest: services.ingest, sources: services.sources, metrics: services.metrics, logger },
  )
}
