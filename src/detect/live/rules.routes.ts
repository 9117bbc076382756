import { z } from 'zod'
import { appendAudit } from '../../auth/audit.js'
import { NotFoundError } from '../../core/errors.js'
import { originOf, requireActor } from '../../server/auth-hooks.js'
import type { App, AppContext } from '../../server/context.js'

const ruleSchema = z.object({
  id: z.string(),
  title: z.string(),
  level: z.string().nullable(),
  status: z.string().nullable(),
  tags: z.array(z.string()),
  file: z.string(),
  logsource: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  description: z.string().nullable(),
  references: z.array(z.string()),
  falsePositives: z.array(z.string()),
})

export async function rulesRoutes(app: App, { services }: AppContext): Promise<void> {
  const catalog = services.rules
  const snapshot = async () => (catalog.loaded ? catalog.snapshot : catalog.reload())

  app.get(
    '/api/v1/rules',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['rules'],
        summary: 'Rules the detector runs, with their state; filter by text, level, tag or state',
        querystring: z.object({
          q: z.string().max(200).optional(),
          level: z.string().max(20).optional(),
          tag: z.string().max(100).optional(),
          enabled: z.enum(['true', 'false']).optional(),
          offset: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(1_000).default(100),
        }),
        response: {
          200: z.object({
            total: z.number(),
            items: z.array(ruleSchema),
            loadedAt: z.string(),
            errors: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const { q, level, tag, enabled, offset, limit } = request.query
      const current = await snapshot()
      const needle = q?.toLowerCase()
      const matching = current.rules.filter(
        (rule) =>
          (!needle || rule.title.toLowerCase().includes(needle) || rule.id.includes(needle)) &&
          (!level || rule.level === level) &&
          (!tag || rule.tags.includes(tag)) &&
          (enabled === undefined || rule.enabled === (enabled === 'true')),
      )
      return {
        total: matching.length,
        items: matching.slice(offset, offset + limit),
        loadedAt: current.loadedAt.toISOString(),
        errors: current.errors.length,
      }
    },
  )

  app.get(
    '/api/v1/rules/errors',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['rules'],
        summary: 'Rules that could not be loaded, each with file, line, rule id and reason',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                message: z.string(),
                file: z.string().optional(),
                line: z.number().optional(),
                ruleId: z.string().optional(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ items: (await snapshot()).errors }),
  )

  app.post(
    '/api/v1/rules/reload',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['rules'],
        summary: 'Read the rule folders again, without a restart',
        response: { 200: z.object({ rules: z.number(), errors: z.number(), files: z.number() }) },
      },
    },
    async (request) => {
      const reloaded = await catalog.reload()
      await services.store.transaction((trx) =>
        appendAudit(services.store, trx, requireActor(request), originOf(request), {
          action: 'rules.reload',
          targetType: 'rules',
          details: { rules: reloaded.rules.length, errors: reloaded.errors.length },
        }),
      )
      return { rules: reloaded.rules.length, errors: reloaded.errors.length, files: reloaded.files }
    },
  )

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post(
      `/api/v1/rules/:id/${verb}`,
      {
        config: { access: 'engineer' },
        schema: {
          tags: ['rules'],
          summary: enabled ? 'Turn a rule back on' : 'Turn a rule off (say why)',
          params: z.object({ id: z.string().min(1).max(200) }),
          body: z.object({ reason: z.string().max(500).optional() }).optional(),
          response: { 200: ruleSchema },
        },
      },
      async (request) => {
        const current = await snapshot()
        const rule = current.rules.find((candidate) => candidate.id === request.params.id)
        if (!rule) throw new NotFoundError('rule', request.params.id)
        const actor = requireActor(request)
        await services.store.transaction(async (trx) => {
          await trx
            .insertInto('rule_states')
            .values({
              rule_id: rule.id,
              enabled,
              reason: request.body?.reason ?? null,
              updated_by: actor.name,
              updated_at: new Date(),
            })
            .onConflict((conflict) =>
              conflict.column('rule_id').doUpdateSet({
                enabled,
                reason: request.body?.reason ?? null,
                updated_by: actor.name,
                updated_at: new Date(),
              }),
            )
            .execute()
          await appendAudit(services.store, trx, actor, originOf(request), {
            action: enabled ? 'rule.enable' : 'rule.disable',
            targetType: 'rule',
            targetId: rule.id,
            details: {
              before: { enabled: rule.enabled },
              after: { enabled },
              reason: request.body?.reason ?? null,
            },
          })
        })
        const reloaded = await catalog.reload()
        return reloaded.rules.find((candidate) => candidate.id === rule.id)!
      },
    )
  }

  app.get(
    '/api/v1/detections',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['detections'],
        summary: 'Detections, newest first (alerts are built from them)',
        querystring: z.object({
          ruleId: z.string().max(200).optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                detectedAt: z.string(),
                kind: z.string(),
                ruleId: z.string(),
                ruleTitle: z.string(),
                level: z.string(),
                tags: z.array(z.string()),
                source: z.string().nullable(),
                eventSeqs: z.array(z.number()),
                matched: z.record(z.string(), z.unknown()),
              }),
            ),
            nextBefore: z.number().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const { ruleId, before, limit } = request.query
      let query = services.store.db.selectFrom('detections').selectAll().orderBy('id', 'desc').limit(limit)
      if (ruleId) query = query.where('rule_id', '=', ruleId)
      if (before !== undefined) query = query.where('id', '<', before)
      const rows = await query.execute()
      return {
        items: rows.map((row) => ({
          id: row.id,
          detectedAt: row.detected_at.toISOString(),
          kind: row.kind,
          ruleId: row.rule_id,
          ruleTitle: row.rule_title,
          level: row.level,
          tags: row.tags,
          source: row.source,
          eventSeqs: row.event_seqs,
          matched: row.matched,
        })),
        nextBefore: rows.length === limit ? (rows.at(-1)?.id ?? null) : null,
      }
    },
  )
}
