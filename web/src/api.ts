/** The console's one way to the API: same origin, session cookie, CSRF header on writes. */

export const CSRF_HEADER = 'x-csrf-token'
const CSRF_COOKIE = 'wf_csrf'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

let onUnauthenticated: () => void = () => {}
export function whenLoggedOut(handler: () => void): void {
  onUnauthenticated = handler
}

/** The CSRF token lives in a readable cookie set at login, so a reload keeps working. */
function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='))
  }
  return undefined
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET'
  const headers: Record<string, string> = { accept: 'application/json' }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET') {
    const token = csrfToken()
    if (token) headers[CSRF_HEADER] = token
  }
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  if (response.status === 204) return undefined as T
  const text = await response.text()
  const body: unknown = text ? JSON.parse(text) : undefined
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error
    if (response.status === 401 && path !== '/auth/login') onUnauthenticated()
    throw new ApiError(response.status, error?.code ?? 'error', error?.message ?? response.statusText)
  }
  return body as T
}

export const post = <T>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body })

/** What went wrong, as a person reads it: an API error's message, or the thrown value as text. */
export const errorText = (reason: unknown): string =>
  reason instanceof Error ? reason.message : String(reason)
