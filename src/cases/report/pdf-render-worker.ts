import { parentPort, workerData } from 'node:worker_threads'
import { markdownToPdf, type PdfPage } from './markdown-pdf.js'

/** Worker entry: lays out one PDF off the main thread (see render-pdf.ts). */
const { source, page } = workerData as { source: string; page: PdfPage }
const pdf = await markdownToPdf(source, page)
parentPort?.postMessage(new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength))
