import type { Command } from 'commander'
import { CliExit, EXIT } from './shared.js'

export interface ApiFlags {
  server?: string
  token?: string
}

/** Commands that talk to a running server take --server and --token (or WATCHFLOOR_URL, WATCHFLOOR_TOKEN). */
export function withApiFlags(command: Command): Command {
  return command
    .option('--server <url>', 'Watchfloor server (or WATCHFLOOR_URL; default http://127.0.0.1:8470)')
    .option('--token <token>', 'API token (or WATCHFLOOR_TOKEN)')
}

export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>
  /** Sends a body as is (NDJSON for ingest). */
  requestRaw<T>(method: string, path: string, body: string, contentType: string): Promise<T>
  /** A GET whose answer is a file (a PDF report): its bytes, not JSON. */
  download(path: string): Promise<Buffer>
}

function failure(status: number, parsed: unknown): CliExit {
  const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? 'request failed'
  const code = status === 401 || status === 403 || status >= 500 ? EXIT.failure : EXIT.usage
  return new CliExit(code, `error: ${message} (HTTP ${status})`)
}

export function apiClient(flags: ApiFlags): ApiClient {
  const server = (flags.server ?? process.env.WATCHFLOOR_URL ?? 'http://127.0.0.1:8470').replace(/\/+$/, '')
  const token = flags.token ?? process.env.WATCHFLOOR_TOKEN
  if (!token) {
    throw new CliExit(
      EXIT.usage,
      'error: this command talks to the server: give --token or set WATCHFLOOR_TOKEN (make one with `watchfloor token create`)',
    )
  }

  async function send<T>(
    method: string,
    path: string,
    body: string | undefined,
    contentType: string | undefined,
  ): Promise<T> {
    const response = await call(method, path, body, contentType)
    const text = await response.text()
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = undefined
    }
    if (!response.ok) throw failure(response.status, parsed)
    return parsed as T
  }

  async function call(
    method: string,
    path: string,
    body: string | undefined,
    contentType: string | undefined,
  ): Promise<Response> {
    let response: Response
    try {
      response = await fetch(`${server}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(contentType ? { 'content-type': contentType } : {}),
        },
        ...(body === undefined ? {} : { body }),
      })
    } catch (error) {
      throw new CliExit(
        EXIT.unavailable,
        `error: cannot reach ${server}: ${(error as Error).cause ?? (error as Error).message}`,
      )
    }
    return response
  }

  return {
    request: (method, path, body) =>
      send(
        method,
        path,
        body === undefined ? undefined : JSON.stringify(body),
        body === undefined ? undefined : 'application/json',
      ),
    requestRaw: (method, path, body, contentType) => send(method, path, body, contentType),
    async download(path) {
      const response = await call('GET', path, undefined, undefined)
      if (response.ok) return Buffer.from(await response.arrayBuffer())
      let parsed: unknown
      try {
        parsed = JSON.parse(await response.text())
      } catch {
        parsed = undefined
      }
      throw failure(response.status, parsed)
    },
  }
}
