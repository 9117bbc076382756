// `npm start`: build what is missing or stale, then serve. Extra arguments go to `watchfloor serve`.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full))
    else newest = Math.max(newest, statSync(full).mtimeMs)
  }
  return newest
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

const built = path.join(root, 'dist', 'cli', 'main.js')
if (!existsSync(built) || newestMtime(path.join(root, 'src')) > statSync(built).mtimeMs) {
  process.stderr.write('building the server (first start, or sources changed)...\n')
  run(process.execPath, [
    path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    'tsconfig.build.json',
  ])
}
const web = path.join(root, 'web')
if (existsSync(path.join(web, 'index.html')) && !existsSync(path.join(web, 'dist', 'index.html'))) {
  process.stderr.write('building the console...\n')
  run('npm', ['run', 'build:web'])
}

// The server runs as a child; signals sent to this process (npm forwards them) are passed on,
// so SIGTERM still means a graceful shutdown.
const server = spawn(process.execPath, [built, 'serve', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))
