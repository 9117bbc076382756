#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (npm run build makes dist/).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const compiled = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
if (!existsSync(compiled)) {
  process.stderr.write(
    'watchfloor is not built yet: run `npm run build` (or `npm start`, which builds first)\n',
  )
  process.exit(3)
}
const { main } = await import(compiled)
const code = await main(process.argv)
if (code !== 0 || process.argv[2] !== 'serve') process.exit(code)
