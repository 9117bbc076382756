import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { ApiFlags } from './api-client.js'
import { CliExit, EXIT } from './shared.js'

/**
 * File transfers with the server that never hold a whole file in memory (evidence can be a
 * disk image): uploads stream from disk, downloads stream to disk and are hashed on the way.
 */
function target(flags: ApiFlags): { server: string; token: string } {
  const server = (flags.server ?? process.env.WATCHFLOOR_URL ?? 'http://127.0.0.1:8470').replace(/\/+$/, '')
  const token = flags.token ?? process.env.WATCHFLOOR_TOKEN
  if (!token)
    throw new CliExit(
      EXIT.usage,
      'error: this command talks to the server: give --token or set WATCHFLOOR_TOKEN (make one with `watchfloor token create`)',
    )
  return { server, token }
}

async function failure(response: Response): Promise<CliExit> {
  let message = 'request failed'
  try {
    message = ((await response.json()) as { error?: { message?: string } }).error?.message ?? message
  } catch {}
  const code =
    response.status === 401 || response.status === 403 || response.status >= 500 ? EXIT.failure : EXIT.usage
  return new CliExit(code, `error: ${message} (HTTP ${response.status})`)
}

async function send(
  flags: ApiFlags,
  path: string,
  init: RequestInit & { duplex?: 'half' },
): Promise<Response> {
  const { server, token } = target(flags)
  try {
    return await fetch(`${server}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    })
  } catch (error) {
    throw new CliExit(
      EXIT.unavailable,
      `error: cannot reach ${server}: ${(error as Error).cause ?? (error as Error).message}`,
    )
  }
}

/** POSTs a file as the raw request body; answers the JSON response. */
export async function uploadFile<T>(
  flags: ApiFlags,
  path: string,
  file: string,
  contentType: string,
): Promise<T> {
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>
  const response = await send(flags, path, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    duplex: 'half',
  })
  if (!response.ok) throw await failure(response)
  return (await response.json()) as T
}

/**
 * GETs a file into `destination` (never overwriting one) and checks it against the SHA-256 the
 * server announced in X-Watchfloor-SHA256; a mismatch removes the file and fails.
 */
export async function downloadFile(
  flags: ApiFlags,
  path: string,
  destination: string,
): Promise<{ sha256: string; sizeBytes: number; announced: string | null }> {
  const response = await send(flags, path, { method: 'GET' })
  if (!response.ok || !response.body) throw await failure(response)
  const announced = response.headers.get('x-watchfloor-sha256')
  const hash = createHash('sha256')
  let sizeBytes = 0
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      sizeBytes += chunk.length
      callback(null, chunk)
    },
  })
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      meter,
      createWriteStream(destination, { flags: 'wx' }),
    )
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new CliExit(EXIT.usage, `error: ${destination} exists; choose another --output`)
    await rm(destination, { force: true })
    throw new CliExit(EXIT.failure, `error: download failed: ${(error as Error).message}`)
  }
  const sha256 = hash.digest('hex')
  if (announced && announced !== sha256) {
    await rm(destination, { force: true })
    throw new CliExit(
      EXIT.failure,
      `error: the download does not match the stored hash (${sha256} ≠ ${announced}); file removed`,
    )
  }
  return { sha256, sizeBytes, announced }
}
