import { parentPort } from 'node:worker_threads'
import { compressBlock, decompressBlock } from './block-compression.js'

export type CodecRequest =
  | { id: number; op: 'compress'; raw: Uint8Array }
  | { id: number; op: 'decompress'; compressed: Uint8Array; rawLength: number }

export type CodecReply =
  | { id: number; op: 'compress'; raw: Uint8Array; compressed: Uint8Array }
  | { id: number; op: 'decompress'; raw: Uint8Array }
  | { id: number; op: 'compress' | 'decompress'; raw?: Uint8Array; error: string }

/** Block compressor entry (see BlockCompressor): does each request it is sent, in order. */
parentPort!.on('message', (request: CodecRequest) => {
  const { id } = request
  try {
    if (request.op === 'compress') {
      const compressed = compressBlock(request.raw)
      const reply: CodecReply = { id, op: 'compress', raw: request.raw, compressed }
      parentPort!.postMessage(reply, [compressed.buffer as ArrayBuffer, request.raw.buffer as ArrayBuffer])
    } else {
      const raw = decompressBlock(request.compressed, request.rawLength)
      const reply: CodecReply = { id, op: 'decompress', raw }
      parentPort!.postMessage(reply, [raw.buffer as ArrayBuffer])
    }
  } catch (error) {
    const reply: CodecReply = { id, op: request.op, error: (error as Error).message }
    // A raw block sent to be compressed goes back all the same, to be reused.
    if (request.op === 'compress') {
      reply.raw = request.raw
      parentPort!.postMessage(reply, [request.raw.buffer as ArrayBuffer])
    } else parentPort!.postMessage(reply)
  }
})
