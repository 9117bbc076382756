import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const CLI = path.join(ROOT, 'src', 'cli', 'main.ts')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // The test's own WATCHFLOOR_* settings must not leak into the process under test.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('WATCHFLOOR_')),
  )
  return { ...base, WATCHFLOOR_LOG_LEVEL: 'warn', ...env }
}

/** Runs `watchfloor <args>` as a real process (through tsx, no build needed). */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env: cliEnv(options.env ?? {}),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

export interface ServerProcess {
  child: ChildProcess
  url: string
  adminPassword: string | undefined
  stderr(): string
  exited: Promise<number | null>
}

/** Starts `watchfloor serve` on a free port and resolves once it listens. */
export function startServerProcess(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', ...args], {
      cwd: ROOT,
      env: cliEnv(env),
    })
    let stderr = ''
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)))
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${stderr}`)), 30_000)
    child.stdout?.resume()
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const listening = /listening on (http:\/\/[\d.:]+)/.exec(stderr)
      if (listening) {
        clearTimeout(timer)
        resolve({
          child,
          url: listening[1]!,
          adminPassword: /password: (\S+)/.exec(stderr)?.[1],
          stderr: () => stderr,
          exited,
        })
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${stderr}`))
    })
  })
}
