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
}

export function apiClient(flags: ApiFlags): ApiClient {
  const server = (flags.server ?? process.env.WATCHFLOOR_URL ?? 'http://127.0.0.1:8470').replace(/\/+$/, '')
  const token = flags.token ?? process.env.WATCHFLOOR_TOKEN
  if (!token)
    throw new CliExit(
      EXIT.usage,
      'error: this command talks to the server: give --token or set WATCHFLOOR_TOKEN (make one with `watchfloor token create`)',
    )
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      let response: Response
      try {
        response = await fetch(`${server}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
      } catch (error) {
        throw new CliExit(
          EXIT.unavailable,
          `error: cannot reach ${server}: ${(error as Error).cause ?? (error as Error).message}`,
        )
      }
      const text = await response.text()
      const parsed: unknown = text ? JSON.parse(text) : undefined
      if (!response.ok) {
        const message =
          (parsed as { error?: { message?: string } } | undefined)?.error?.message ??
          `HTTP ${response.status}`
        throw new CliExit(
          response.status === 401 || response.status === 403 || response.status >= 500
            ? EXIT.failure
            : EXIT.usage,
          `error: ${message}`,
        )
      }
      return parsed as T
    },
  }
}
