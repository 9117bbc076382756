import { parentPort } from 'node:worker_threads'
import { compressBlock } from './block-compression.js'

/** Block compressor entry (see BlockCompressor): compresses each raw block it is sent, in order. */
parentPort!.on('message', ({ id, raw }: { id: number; raw: Uint8Array }) => {
  try {
    const compressed = compressBlock(raw)
    parentPort!.postMessage({ id, compressed, raw }, [
      compressed.buffer as ArrayBuffer,
      raw.buffer as ArrayBuffer,
    ])
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message, raw }, [raw.buffer as ArrayBuffer])
  }
})
