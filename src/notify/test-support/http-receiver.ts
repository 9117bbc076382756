import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  path: string
  headers: IncomingHttpHeaders
  body: string
  json: unknown
  idempotencyKey: string | undefined
  /** Whether X-Watchfloor-Signature is a valid HMAC of `timestamp.body` under the secret (webhooks). */
  signatureValid: boolean | undefined
  receivedAt: number
}

export interface HttpReceiver {
  url: string
  requests: ReceivedRequest[]
  close(): Promise<void>
}

function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const header = String(headers['x-watchfloor-signature'] ?? '')
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)
  if (!match || match[1] !== headers['x-watchfloor-timestamp']) return false
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest()
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'))
}

/**
 * A real HTTP server on loopback that records what it is sent, as a webhook consumer, Slack,
 * Teams or PagerDuty would receive it; `answer` picks the status (default 200 / 202).
 */
export async function startHttpReceiver(
  options: { secret?: string; delayMs?: number; answer?: (request: ReceivedRequest) => number } = {},
): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        json = undefined
      }
      const received: ReceivedRequest = {
        path: request.url ?? '',
        headers: request.headers,
        body,
        json,
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
        signatureValid: options.secret ? verifySignature(options.secret, request.headers, body) : undefined,
        receivedAt: Date.now(),
      }
      requests.push(received)
      const status = options.answer?.(received) ?? (request.url?.endsWith('/v2/enqueue') ? 202 : 200)
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(status < 300 ? '{"status":"success"}' : '{"error":"receiver is down"}')
      }, options.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
