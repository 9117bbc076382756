import type { Logger } from 'pino'
import type { Store } from '../../store/store.js'
import {
  type CompiledRule,
  type CorrelationRuleDocument,
  createDetector,
  type Detector,
  loadRules,
  mergeMappingConfig,
  type RuleLoadError,
} from '../sigma/index.js'

export interface CatalogRule {
  id: string
  title: string
  level: string | null
  status: string | null
  tags: string[]
  file: string
  logsource: Record<string, unknown>
  enabled: boolean
  disabledReason: string | null
  description: string | null
  references: string[]
  falsePositives: string[]
}

export interface CatalogSnapshot {
  detector: Detector
  /** Correlation rules over the loaded rules (evaluated by the detect loop's correlator). */
  correlations: CorrelationRuleDocument[]
  rules: CatalogRule[]
  errors: {
    message: string
    file: string | undefined
    line: number | undefined
    ruleId: string | undefined
  }[]
  loadedAt: Date
  files: number
}

/**
 * The rules the live detector runs: loaded from the configured directories (SigmaHQ's layout
 * works as is), minus those switched off through the API or CLI. `reload()` swaps the compiled
 * set atomically, so rules change without a restart.
 */
export class RuleCatalog {
  #snapshot: CatalogSnapshot | undefined

  constructor(
    private readonly store: Store,
    private readonly directories: readonly string[],
    private readonly logger: Logger,
    /**
     * Rules for sources the log-source mapping does not describe (Linux, SaaS, network…): run on
     * every event (`always`, the default: the bundled pack needs it) or only when routed (`never`,
     * cheaper with the whole SigmaHQ tree).
     */
    private readonly unmappedRules: 'always' | 'never' = 'always',
  ) {}

  get snapshot(): CatalogSnapshot {
    if (!this.#snapshot) throw new Error('rule catalog used before load()')
    return this.#snapshot
  }

  get loaded(): boolean {
    return this.#snapshot !== undefined
  }

  async reload(): Promise<CatalogSnapshot> {
    const started = performance.now()
    const loaded = await loadRules([...this.directories])
    const states = await this.store.db.selectFrom('rule_states').selectAll().execute()
    const disabled = new Map(
      states.filter((state) => !state.enabled).map((state) => [state.rule_id, state.reason]),
    )
    const active: CompiledRule[] = loaded.rules.filter((rule) => !disabled.has(rule.id))
    const snapshot: CatalogSnapshot = {
      detector: createDetector(active, mergeMappingConfig({ unmappedRules: this.unmappedRules })),
      correlations: loaded.correlations,
      rules: loaded.rules.map((rule) => ({
        id: rule.id,
        title: rule.title,
        level: rule.level ?? null,
        status: rule.status ?? null,
        tags: rule.tags,
        file: rule.document.file,
        logsource: { ...rule.logsource },
        enabled: !disabled.has(rule.id),
        disabledReason: disabled.get(rule.id) ?? null,
        description: rule.document.description ?? null,
        references: stringList(rule.document.attributes.references),
        falsePositives: rule.document.falsepositives,
      })),
      errors: loaded.errors.map((error: RuleLoadError) => ({
        message: error.message,
        file: error.location.file,
        line: error.location.line,
        ruleId: error.location.ruleId,
      })),
      loadedAt: new Date(),
      files: loaded.files,
    }
    this.#snapshot = snapshot
    this.logger.info(
      {
        rules: active.length,
        disabled: disabled.size,
        errors: loaded.errors.length,
        files: loaded.files,
        ms: Math.round(performance.now() - started),
      },
      'rules loaded',
    )
    return snapshot
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}
