import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Starts a worker thread on the module `name` next to `caller` (an `import.meta.url`). From the
 * TypeScript sources (tests, `npm run dev`, the benches) the worker registers tsx's loader before
 * importing its `.ts` entry; from `dist/` it is plain JavaScript.
 */
export function startWorker(caller: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSources = caller.endsWith('.ts')
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, caller)
  return fromSources
    ? new Worker(tsxBootstrap(entry), { ...options, eval: true })
    : new Worker(entry, options)
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
