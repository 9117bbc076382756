import { z } from 'zod'
import { UserError } from '../core/errors.js'
import { CSRF_COOKIE, originOf, requireActor, SESSION_COOKIE } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import { appendAudit } from './audit.js'
import { LoginThrottle } from './login-throttle.js'
import { toPublicUser } from './users.service.js'

const publicUser = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(['viewer', 'analyst', 'engineer', 'admin']),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
})

export async function authRoutes(app: App, { config, services }: AppContext): Promise<void> {
  const throttle = new LoginThrottle()

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Log in to the console: sets an HttpOnly session cookie and returns the CSRF token',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
        response: { 200: z.object({ user: publicUser, csrfToken: z.string(), expiresAt: z.string() }) },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body
      const key = `${username.toLowerCase()}|${request.ip}`
      const retryAfter = throttle.blockedFor(key)
      if (retryAfter > 0) {
        void reply.header('retry-after', Math.ceil(retryAfter / 1000))
        throw new UserError('too_many_attempts', 'too many failed logins; try again later', { status: 429 })
      }
      const user = await services.users.verifyCredentials(username, password)
      if (!user) {
        throttle.recordFailure(key)
        request.log.warn({ username, ip: request.ip }, 'failed login')
        throw new UserError('invalid_credentials', 'wrong username or password, or the account is disabled', {
          status: 401,
        })
      }
      throttle.reset(key)
      const session = await services.sessions.create(user.id, {
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      })
      await services.store.transaction((trx) =>
        appendAudit(
          services.store,
          trx,
          { type: 'user', id: user.id, userId: user.id, name: user.username, role: user.role },
          originOf(request),
          {
            action: 'session.login',
            targetType: 'user',
            targetId: user.id,
          },
        ),
      )
      const cookieOptions = {
        path: '/',
        sameSite: 'strict' as const,
        secure: config.secureCookies,
        expires: session.expiresAt,
      }
      void reply.setCookie(SESSION_COOKIE, session.sessionId, { ...cookieOptions, httpOnly: true })
      void reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...cookieOptions, httpOnly: false })
      return {
        user: toPublicUser(user),
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt.toISOString(),
      }
    },
  )

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'viewer' },
      schema: { tags: ['auth'], summary: 'End the console session', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const actor = requireActor(request)
      const sessionId = request.cookies[SESSION_COOKIE]
      await services.store.transaction(async (trx) => {
        if (sessionId)
          await trx
            .deleteFrom('sessions')
            .where('id_hash', '=', actor.sessionIdHash ?? '')
            .execute()
        await appendAudit(services.store, trx, actor, originOf(request), {
          action: 'session.logout',
          targetType: 'user',
          targetId: actor.userId,
        })
      })
      void reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' })
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/v1/auth/me',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Who am I: the caller as the server sees it',
        response: {
          200: z.object({
            type: z.enum(['user', 'token', 'system']),
            name: z.string(),
            role: z.string(),
            user: publicUser.nullable(),
          }),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request)
      const user = actor.userId === null ? null : await services.users.get(actor.userId)
      return { type: actor.type, name: actor.name, role: actor.role, user }
    },
  )

  app.post(
    '/api/v1/auth/password',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password',
        body: z.object({
          currentPassword: z.string().min(1).max(1024),
          newPassword: z.string().min(1).max(1024),
        }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request)
      if (actor.type !== 'user' || actor.userId === null) {
        throw new UserError('users_only', 'only a logged-in person can change a password, not an API token', {
          status: 403,
        })
      }
      await services.users.changePassword(
        actor.userId,
        request.body.currentPassword,
        request.body.newPassword,
        actor,
        originOf(request),
      )
      return reply.status(204).send(null)
    },
  )
}

export { publicUser }
