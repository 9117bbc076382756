import { OperationalError } from '../../core/errors.js'
import { startWorker } from '../../core/worker-thread.js'
import type { PdfPage } from './markdown-pdf.js'

/**
 * Lays out a PDF in a worker thread. pdfmake works synchronously: a report with thousands of
 * timeline rows takes seconds of CPU, which on the main thread would hold up ingest and every
 * request on this node.
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
  const worker = startWorker(import.meta.url, 'pdf-render-worker', {
    workerData: { source, page },
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  })
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
