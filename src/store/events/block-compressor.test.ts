import { randomBytes } from 'node:crypto'
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { BlockCompressor } from './block-compressor.js'

function filled(compressor: BlockCompressor, content: Buffer): Buffer {
  const raw = compressor.take(content.length)
  content.copy(raw)
  return raw
}

describe('block compressor', () => {
  let compressor: BlockCompressor

  afterEach(async () => {
    await compressor.close()
  })

  it('compresses blocks sent at once, each to its own bytes, and takes the raw buffers over', async () => {
    compressor = new BlockCompressor(64 * 1024)
    const contents = Array.from({ length: 12 }, (_, n) =>
      n % 3 === 0
        ? randomBytes(20_000 + n)
        : Buffer.from(`{"EventID":${n},"CommandLine":"cmd.exe"}\n`.repeat(500 + n)),
    )
    const raws = contents.map((content) => filled(compressor, content))
    const compressed = await Promise.all(raws.map((raw) => compressor.compress(raw)))
    expect(compressed.map((block, index) => brotliDecompressSync(block).equals(contents[index]!))).toEqual(
      contents.map(() => true),
    )
    expect(compressed[1]!.length).toBeLessThan(contents[1]!.length / 20)
    // Transferred to the worker: the caller's view no longer holds the bytes.
    expect(raws.every((raw) => raw.buffer.byteLength === 0)).toBe(true)
  })

  it('hands raw buffers back for the next blocks, and makes big ones only for big blocks', async () => {
    compressor = new BlockCompressor(64 * 1024)
    const small = compressor.take(100)
    expect(small.length).toBe(100)
    expect(small.buffer.byteLength).toBe(64 * 1024)
    await compressor.compress(small)
    const reused = compressor.take(60_000)
    expect(reused.buffer.byteLength).toBe(64 * 1024)
    expect(compressor.take(100_000).buffer.byteLength).toBe(100_000)
  })

  it('starts a new worker after close for the next block', async () => {
    compressor = new BlockCompressor(1024)
    await compressor.compress(filled(compressor, Buffer.from('a'.repeat(500))))
    await compressor.close()
    const again = await compressor.compress(filled(compressor, Buffer.from('b'.repeat(500))))
    expect(brotliDecompressSync(again).toString()).toBe('b'.repeat(500))
  })

  it('decompresses blocks back to their bytes, and refuses a damaged block or one longer than it says', async () => {
    compressor = new BlockCompressor(64 * 1024)
    const content = Buffer.from('{"EventID":4688,"CommandLine":"cmd.exe /c whoami"}\n'.repeat(2000))
    const compressed = await compressor.compress(filled(compressor, content))
    const back = await compressor.decompress(Buffer.from(compressed), content.length)
    expect(back.equals(content)).toBe(true)

    const damaged = Buffer.from(compressed)
    damaged.fill(0x55, 10, 40)
    await expect(compressor.decompress(damaged, content.length)).rejects.toThrow(/decompressing .*failed/)
    await expect(compressor.decompress(brotliCompressSync(content), 1000)).rejects.toThrow(/failed/)
    // The worker keeps serving after a refused block.
    expect((await compressor.decompress(Buffer.from(compressed), content.length)).equals(content)).toBe(true)
  })
})
