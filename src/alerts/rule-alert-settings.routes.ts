import { z } from 'zod'
import { NotFoundError } from '../core/errors.js'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { RuleAlertSettings } from './suppression.js'

const MAX_WINDOW_SECONDS = 30 * 86_400
const fields = z.array(z.string().min(1).max(200)).min(1).max(5)

const settingsSchema = z.object({
  ruleId: z.string(),
  /** Whether the rule uses the defaults (nothing set). */
  isDefault: z.boolean(),
  groupBy: z.array(z.string()).nullable(),
  dedupWindowSeconds: z.number().nullable(),
  suppression: z
    .object({
      fields: z.array(z.string()),
      windowSeconds: z.number(),
      afterClose: z.enum(['restart', 'continue']),
    })
    .nullable(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
})

function toPublicSettings(
  ruleId: string,
  settings: RuleAlertSettings | undefined,
): z.infer<typeof settingsSchema> {
  return {
    ruleId,
    isDefault: settings === undefined,
    groupBy: settings?.groupBy ?? null,
    dedupWindowSeconds: settings?.dedupWindowMs == null ? null : settings.dedupWindowMs / 1_000,
    suppression: settings?.suppression
      ? {
          fields: settings.suppression.fields,
          windowSeconds: settings.suppression.windowMs / 1_000,
          afterClose: settings.suppression.afterClose,
        }
      : null,
    updatedBy: settings?.updatedBy ?? null,
    updatedAt: settings?.updatedAt.toISOString() ?? null,
  }
}

const params = z.object({ id: z.string().min(1).max(200) })

/**
 * Per-rule alert settings: the fingerprint fields (default: rule and host, or rule and source),
 * the dedup window, and suppression (fields, window, what closing the alert does).
 */
export async function ruleAlertSettingsRoutes(app: App, { services }: AppContext): Promise<void> {
  const settings = services.ruleAlertSettings

  /** A rule the catalog loaded, or one that has produced detections (monitoring, correlations). */
  async function ensureKnownRule(ruleId: string): Promise<void> {
    const catalog = services.rules.loaded
      ? services.rules.snapshot
      : await services.rules.reload().catch(() => undefined)
    if (catalog?.rules.some((rule) => rule.id === ruleId)) return
    if (catalog?.correlations.some((rule) => rule.id === ruleId || rule.name === ruleId)) return
    const seen = await services.store.db
      .selectFrom('detections')
      .select('id')
      .where('rule_id', '=', ruleId)
      .limit(1)
      .executeTakeFirst()
    if (!seen) throw new NotFoundError('rule', ruleId)
  }

  app.get(
    '/api/v1/rules/:id/alert-settings',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['rules'],
        summary: 'How the rule’s detections become alerts: group-by fields, dedup window, suppression',
        params,
        response: { 200: settingsSchema },
      },
    },
    async (request) => toPublicSettings(request.params.id, await settings.get(request.params.id)),
  )

  app.put(
    '/api/v1/rules/:id/alert-settings',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['rules'],
        summary:
          'Set the rule’s group-by fields (the fingerprint beside the rule), dedup window and suppression; null keeps a default',
        params,
        body: z.object({
          groupBy: fields.nullable().default(null),
          dedupWindowSeconds: z.number().int().min(1).max(MAX_WINDOW_SECONDS).nullable().default(null),
          suppression: z
            .object({
              fields,
              windowSeconds: z.number().int().min(1).max(MAX_WINDOW_SECONDS),
              afterClose: z.enum(['restart', 'continue']).default('restart'),
            })
            .nullable()
            .default(null),
        }),
        response: { 200: settingsSchema },
      },
    },
    async (request) => {
      const ruleId = request.params.id
      await ensureKnownRule(ruleId)
      const { groupBy, dedupWindowSeconds, suppression } = request.body
      const saved = await settings.put(
        ruleId,
        {
          groupBy,
          dedupWindowMs: dedupWindowSeconds === null ? null : dedupWindowSeconds * 1_000,
          suppression: suppression
            ? {
                fields: suppression.fields,
                windowMs: suppression.windowSeconds * 1_000,
                afterClose: suppression.afterClose,
              }
            : null,
        },
        requireActor(request),
        originOf(request),
      )
      return toPublicSettings(ruleId, saved)
    },
  )

  app.delete(
    '/api/v1/rules/:id/alert-settings',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['rules'],
        summary: 'Back to the defaults',
        params,
        response: { 200: settingsSchema },
      },
    },
    async (request) => {
      await settings.remove(request.params.id, requireActor(request), originOf(request))
      return toPublicSettings(request.params.id, undefined)
    },
  )
}
