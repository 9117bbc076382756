import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import type { Logger } from 'pino'
import { recordText } from '../decode-text.js'
import type { IngestMetrics } from '../ingest.metrics.js'
import type { IngestService, RawRecord } from '../ingest.service.js'
import { QueueFullError } from '../pipeline/ingest-queue.js'
import type { SourcesService } from '../sources.service.js'
import { SyslogFramer } from './framing.js'

export interface SyslogOptions {
  host: string
  udpPort?: number | undefined
  tcpPort?: number | undefined
  tlsPort?: number | undefined
  tlsCertFile?: string | undefined
  tlsKeyFile?: string | undefined
  /** The source syslog events are stored under (created on first start if missing). */
  source: string
}

export interface SyslogListeners {
  udpPort?: number
  tcpPort?: number
  tlsPort?: number
  close(): Promise<void>
}

const MAX_IN_FLIGHT_PER_CONNECTION = 4
const UDP_BATCH_MESSAGES = 2_000
const STREAM_BATCH_MESSAGES = 2_000
const STREAM_LINGER_MS = 10
const UDP_LINGER_MS = 5

/**
 * Syslog over UDP, TCP and TLS into the shared ingest path. TCP connections stop being read
 * while their submissions wait for room in the queue (backpressure reaches the sender); UDP has
 * no way to push back, so datagrams that find the queue full are dropped and counted.
 */
export async function startSyslog(
  options: SyslogOptions,
  deps: { ingest: IngestService; sources: SourcesService; metrics: IngestMetrics; logger: Logger },
): Promise<SyslogListeners> {
  const { ingest, sources, metrics, logger } = deps
  const log = logger.child({ component: 'syslog' })

  /** Stream messages come as bytes, kept until parsed (see `recordText`); datagrams as text. */
  const submit = async (
    messages: Array<Buffer | string>,
    input: string,
    whenFull: 'refuse' | 'wait',
    peer: string,
  ) => {
    const source = await sources.resolve(options.source)
    if (!source) throw new Error(`syslog source ${options.source} is missing`)
    const records: RawRecord[] = messages.map((message, index) => ({
      raw: typeof message === 'string' ? message : recordText(message),
      location: `${peer} message ${index + 1}`,
    }))
    const bytes = messages.reduce((sum, message) => sum + message.length, 0)
    return ingest.submit({ source, input, records, bytes, whenFull })
  }

  const streamServers: Server[] = []
  const udpSockets: UdpSocket[] = []
  const sockets = new Set<Socket>()
  const result: SyslogListeners = {
    async close() {
      for (const socket of sockets) socket.end()
      await Promise.all([
        ...streamServers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
        ...udpSockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
      ])
      await flushUdp()
    },
  }

  // UDP: batch datagrams for a few milliseconds, then submit without waiting (drops are counted).
  let udpBatch: string[] = []
  let udpTimer: NodeJS.Timeout | undefined
  let udpInFlight: Promise<unknown> = Promise.resolve()
  const flushUdp = async () => {
    if (udpTimer) clearTimeout(udpTimer)
    udpTimer = undefined
    if (udpBatch.length === 0) return udpInFlight
    const batch = udpBatch
    udpBatch = []
    udpInFlight = submit(batch, 'syslog-udp', 'refuse', 'udp').catch((error: unknown) => {
      if (error instanceof QueueFullError) metrics.udpDrops.inc(batch.length)
      else log.warn({ err: error, dropped: batch.length }, 'syslog UDP batch could not be stored')
    })
    return udpInFlight
  }

  if (options.udpPort !== undefined) {
    const udp = createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4', reuseAddr: false })
    udp.on('message', (message) => {
      udpBatch.push(message.toString('utf8').replace(/[\r\n\0]+$/, ''))
      if (udpBatch.length >= UDP_BATCH_MESSAGES) void flushUdp()
      else udpTimer ??= setTimeout(() => void flushUdp(), UDP_LINGER_MS)
    })
    udp.on('error', (error) => log.error({ err: error }, 'syslog UDP socket error'))
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject)
      udp.bind(options.udpPort, options.host, () => {
        udp.off('error', reject)
        resolve()
      })
    })
    // A larger receive buffer rides out bursts while a commit is in flight.
    try {
      udp.setRecvBufferSize(8 * 1024 * 1024)
    } catch {
      // the OS may cap it; the default still works
    }
    result.udpPort = udp.address().port
    udpSockets.push(udp)
  }

  const handleStream = (socket: Socket) => {
    sockets.add(socket)
    const peer = `${socket.remoteAddress}:${socket.remotePort}`
    const framer = new SyslogFramer()
    let inFlight = 0
    // Messages gather across chunks into submissions of up to STREAM_BATCH_MESSAGES (or what came
    // within STREAM_LINGER_MS): one submission per 64 KB chunk would make commits tiny.
    let pending: Buffer[] = []
    let lingerTimer: NodeJS.Timeout | undefined
    const send = () => {
      if (lingerTimer) clearTimeout(lingerTimer)
      lingerTimer = undefined
      if (pending.length === 0) return
      const messages = pending
      pending = []
      inFlight += 1
      if (inFlight >= MAX_IN_FLIGHT_PER_CONNECTION || !ingest.queue.hasSpace()) socket.pause()
      submit(messages, 'syslog-tcp', 'wait', peer)
        .catch((error: unknown) =>
          log.warn({ err: error, peer, lost: messages.length }, 'syslog TCP batch could not be stored'),
        )
        .finally(() => {
          inFlight -= 1
          if (inFlight < MAX_IN_FLIGHT_PER_CONNECTION && ingest.queue.hasSpace() && !socket.destroyed)
            socket.resume()
        })
    }
    socket.on('data', (chunk: Buffer) => {
      const { messages, errors } = framer.push(chunk)
      for (const error of errors) log.warn({ peer }, error)
      for (const message of messages) pending.push(message)
      if (pending.length >= STREAM_BATCH_MESSAGES) send()
      else if (pending.length > 0) lingerTimer ??= setTimeout(send, STREAM_LINGER_MS)
    })
    socket.on('end', () => {
      pending.push(...framer.flush())
      send()
    })
    socket.on('error', (error) => log.debug({ err: error, peer }, 'syslog connection error'))
    socket.on('close', () => {
      sockets.delete(socket)
      send()
    })
  }

  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, options.host, () => {
        server.off('error', reject)
        const address = server.address()
        resolve(typeof address === 'object' && address ? address.port : port)
      })
    })

  if (options.tcpPort !== undefined) {
    const tcp = createServer(handleStream)
    result.tcpPort = await listen(tcp, options.tcpPort)
    streamServers.push(tcp)
  }
  if (options.tlsPort !== undefined) {
    if (!options.tlsCertFile || !options.tlsKeyFile)
      throw new Error('syslog TLS needs a certificate and a key file')
    const tls = createTlsServer(
      {
        cert: readFileSync(options.tlsCertFile),
        key: readFileSync(options.tlsKeyFile),
        minVersion: 'TLSv1.2',
      },
      handleStream,
    )
    result.tlsPort = await listen(tls, options.tlsPort)
    streamServers.push(tls)
  }
  log.info(
    { udp: result.udpPort, tcp: result.tcpPort, tls: result.tlsPort, source: options.source },
    'syslog listening',
  )
  return result
}
