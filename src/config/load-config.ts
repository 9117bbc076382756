import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import { type ErrorDetail, UserError } from '../core/errors.js'
import { type Config, SETTINGS, type SettingDefinition } from './settings.js'

export interface ConfigSources {
  env?: NodeJS.ProcessEnv
  /** Path of a YAML file; also read from WATCHFLOOR_CONFIG. */
  file?: string | undefined
  /** Values from command-line flags, by setting name; they win over everything else. */
  overrides?: Partial<Record<keyof Config, unknown>>
}

/**
 * Resolves the configuration: defaults < YAML file < environment < command-line flags.
 * Every problem is collected and reported at once, each naming where the bad value came from.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env
  const problems: ErrorDetail[] = []
  const fileValues = readConfigFile(sources.file ?? env.WATCHFLOOR_CONFIG, problems)
  const resolved: Record<string, unknown> = {}

  for (const [name, definition] of Object.entries(SETTINGS) as [keyof Config, SettingDefinition][]) {
    const candidate = pickValue(
      name,
      definition,
      { env, fileValues, overrides: sources.overrides ?? {} },
      problems,
    )
    if (candidate === undefined) {
      resolved[name] = definition.default
      continue
    }
    const parsed = definition.schema.safeParse(candidate.value)
    if (parsed.success) resolved[name] = parsed.data
    else {
      for (const issue of parsed.error.issues) problems.push({ path: candidate.from, message: issue.message })
    }
  }
  for (const key of fileValues.keys()) {
    if (!Object.values(SETTINGS).some((definition) => definition.key === key)) {
      problems.push({ path: `${fileValues.fileName}: ${key}`, message: 'unknown setting' })
    }
  }
  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')
    throw new UserError(
      'invalid_config',
      `invalid configuration (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${list}`,
      { details: problems },
    )
  }
  return resolved as Config
}

interface Candidate {
  value: unknown
  from: string
}

function pickValue(
  name: string,
  definition: SettingDefinition,
  sources: { env: NodeJS.ProcessEnv; fileValues: FileValues; overrides: Record<string, unknown> },
  problems: ErrorDetail[],
): Candidate | undefined {
  const flag = sources.overrides[name]
  if (flag !== undefined) return { value: flag, from: `--${kebab(name)}` }
  const fromEnv = sources.env[definition.env]
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, from: definition.env }
  if (definition.secret) {
    const fileVar = `${definition.env}_FILE`
    const secretPath = sources.env[fileVar]
    if (secretPath) {
      try {
        return { value: readFileSync(secretPath, 'utf8').trim(), from: fileVar }
      } catch (error) {
        problems.push({
          path: fileVar,
          message: `cannot read ${secretPath}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        })
        return undefined
      }
    }
  }
  if (sources.fileValues.has(definition.key)) {
    return {
      value: sources.fileValues.get(definition.key),
      from: `${sources.fileValues.fileName}: ${definition.key}`,
    }
  }
  return undefined
}

class FileValues extends Map<string, unknown> {
  constructor(readonly fileName: string) {
    super()
  }
}

function readConfigFile(file: string | undefined, problems: ErrorDetail[]): FileValues {
  const values = new FileValues(file ?? '')
  if (!file) return values
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    problems.push({
      path: file,
      message: `cannot read the configuration file (${(error as NodeJS.ErrnoException).code ?? error})`,
    })
    return values
  }
  const document = parseDocument(text, { prettyErrors: true })
  for (const error of document.errors) problems.push({ path: file, message: error.message })
  if (document.errors.length > 0) return values
  const root: unknown = document.toJS()
  if (root === null || root === undefined) return values
  if (typeof root !== 'object' || Array.isArray(root)) {
    problems.push({ path: file, message: 'must be a YAML mapping of settings' })
    return values
  }
  flatten(root as Record<string, unknown>, '', values)
  return values
}

function flatten(node: Record<string, unknown>, prefix: string, into: Map<string, unknown>): void {
  for (const [key, value] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      flatten(value as Record<string, unknown>, path, into)
    else into.set(path, value)
  }
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
}
