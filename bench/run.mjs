// `npm run bench [name...]`: runs bench/<name>.bench.ts (all of them without a name), one after
// another so they do not compete for the two cores.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort()
const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !available.includes(name))
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}\n`)
  process.exit(2)
}
if (available.length === 0) {
  process.stderr.write('no benchmarks yet (bench/*.bench.ts)\n')
  process.exit(0)
}
let failed = 0
for (const name of wanted.length > 0 ? wanted : available) {
  process.stdout.write(`\n== bench ${name}\n`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, `${name}.bench.ts`)], {
    stdio: 'inherit',
  })
  if (result.status !== 0) failed += 1
}
process.exit(failed > 0 ? 1 : 0)
