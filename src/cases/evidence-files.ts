import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs'
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { type Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { OperationalError, UserError } from '../core/errors.js'

/** Bytes still read (and thrown away) past the limit, so the client gets its 413 instead of a reset. */
const DRAIN_ALLOWANCE_BYTES = 64 * 1024 * 1024
const SHA256 = /^[0-9a-f]{64}$/

export interface StoredFile {
  sha256: string
  sizeBytes: number
  /** The same content was already stored: nothing new was written. */
  deduplicated: boolean
}

export function evidenceTooLarge(maxBytes: number): UserError {
  return new UserError(
    'evidence_too_large',
    `evidence is larger than the limit of ${maxBytes} bytes (cases.evidenceMaxBytes); nothing was kept`,
    { status: 413 },
  )
}

/**
 * Evidence files stored by content: `<root>/sha256/ab/cd/<hash>`. A file is streamed to a
 * temporary name while it is hashed, then renamed to its hash, so the same content is kept once
 * and a half-written upload never appears under a hash.
 */
export class EvidenceFiles {
  constructor(private readonly root: string) {}

  pathFor(sha256: string): string {
    if (!SHA256.test(sha256)) throw new UserError('invalid_hash', 'not a SHA-256 hex digest')
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256)
  }

  /** Streams `source` to disk; over `maxBytes` the partial file is removed and a 413 error thrown. */
  async store(source: Readable, maxBytes: number): Promise<StoredFile> {
    const tmpDir = path.join(this.root, 'tmp')
    await mkdir(tmpDir, { recursive: true })
    const tmpPath = path.join(tmpDir, `${randomUUID()}.part`)
    const hash = createHash('sha256')
    let sizeBytes = 0
    let overLimit = false
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sizeBytes += chunk.length
        if (sizeBytes > maxBytes) {
          overLimit = true
          // Past the allowance the client is cut off; below it the rest is read and dropped.
          if (sizeBytes > maxBytes + DRAIN_ALLOWANCE_BYTES) return callback(evidenceTooLarge(maxBytes))
          return callback()
        }
        hash.update(chunk)
        callback(null, chunk)
      },
    })
    try {
      await pipeline(source, meter, createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 }))
    } catch (error) {
      await rm(tmpPath, { force: true })
      if (error instanceof UserError) throw error
      throw new OperationalError(
        'evidence_write_failed',
        `evidence upload did not complete: ${(error as Error).message}`,
        [],
        {
          cause: error,
        },
      )
    }
    if (overLimit) {
      await rm(tmpPath, { force: true })
      throw evidenceTooLarge(maxBytes)
    }
    const sha256 = hash.digest('hex')
    const finalPath = this.pathFor(sha256)
    const deduplicated = await exists(finalPath)
    await mkdir(path.dirname(finalPath), { recursive: true })
    // Renaming over an existing copy is atomic and leaves the same bytes; it also repairs a copy
    // that was altered on disk since.
    await rename(tmpPath, finalPath)
    await chmod(finalPath, 0o400)
    return { sha256, sizeBytes, deduplicated }
  }

  /** Removes the stored copy (an upload whose record could not be written). */
  async remove(sha256: string): Promise<void> {
    await rm(this.pathFor(sha256), { force: true })
  }

  async open(sha256: string): Promise<ReadStream | undefined> {
    const filePath = this.pathFor(sha256)
    if (!(await exists(filePath))) return undefined
    return createReadStream(filePath)
  }

  /** The hash of what is on disk now, or undefined when the file is gone. */
  async rehash(sha256: string): Promise<{ sha256: string; sizeBytes: number } | undefined> {
    const stream = await this.open(sha256)
    if (!stream) return undefined
    const hash = createHash('sha256')
    let sizeBytes = 0
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk)
      sizeBytes += chunk.length
    }
    return { sha256: hash.digest('hex'), sizeBytes }
  }
}

async function exists(filePath: string): Promise<boolean> {
  try {
    await stat(filePath)
    return true
  } catch {
    return false
  }
}
