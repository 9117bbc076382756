import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { OperationalError } from '../../core/errors.js'
import type { PdfPage } from './markdown-pdf.js'

/**
 * Lays out a PDF in a worker thread. pdfmake works synchronously: a report with thousands of
 * timeline rows takes seconds of CPU, which on the main thread would hold up ingest and every
 * request on this node. From the TypeScript sources (tests, `npm run dev`) the worker loads
 * through tsx; from `dist/` it is plain JavaScript.
 */
export async function renderPdf(source: string, page: PdfPage): Promise<Buffer> {
  // At most two layouts at once per process (each may use up to 1 GiB); later ones wait their turn.
  while (running >= MAX_RUNNING) await new Promise<void>((wake) => waiting.push(wake))
  running += 1
  try {
    return await layOutInWorker(source, page)
  } finally {
    running -= 1
    waiting.shift()?.()
  }
}

const MAX_RUNNING = 2
let running = 0
const waiting: (() => void)[] = []

function layOutInWorker(source: string, page: PdfPage): Promise<Buffer> {
  const fromSources = import.meta.url.endsWith('.ts')
  const entry = new URL(`./pdf-render-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url)
  const options = { workerData: { source, page }, resourceLimits: { maxOldGenerationSizeMb: 1024 } }
  const worker = fromSources
    ? new Worker(tsxBootstrap(entry), { ...options, eval: true })
    : new Worker(entry, options)
  return new Promise((resolve, reject) => {
    let done = false
    worker.once('message', (bytes: Uint8Array) => {
      done = true
      resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    })
    worker.once('error', (error) => {
      done = true
      reject(
        new OperationalError('pdf_render_failed', `the PDF could not be laid out: ${error.message}`, [], {
          cause: error,
        }),
      )
    })
    worker.once('exit', (code) => {
      if (!done)
        reject(new OperationalError('pdf_render_failed', `the PDF worker stopped (exit code ${code})`))
    })
  })
}

/**
 * A worker script that registers tsx's loader in the worker before importing the TypeScript entry
 * (dev and tests only: tsx is a dev dependency). The path of tsx's ESM API comes from its
 * package's export map, so the worker does not depend on the working folder.
 */
function tsxBootstrap(entry: URL): string {
  const require = createRequire(import.meta.url)
  const manifest = require.resolve('tsx/package.json')
  const { exports } = require(manifest) as { exports: Record<string, { import: { default: string } }> }
  const api = pathToFileURL(join(dirname(manifest), exports['./esm/api']!.import.default)).href
  return `import(${JSON.stringify(api)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}) })`
}
