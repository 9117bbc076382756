import type { DeliveryContext } from './define-channel.js'
import { DeliveryError } from './delivery-error.js'

/** POSTs a JSON body; anything but 2xx is a DeliveryError that names the status, not the URL. */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  ctx: DeliveryContext,
): Promise<void> {
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Watchfloor-Notify/1',
        'idempotency-key': ctx.idempotencyKey,
        ...headers,
      },
      body,
      signal: ctx.signal,
      redirect: 'error',
    })
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    const reason = ctx.signal.aborted
      ? `no answer within ${ctx.timeoutMs} ms`
      : (cause ?? (error as Error).message)
    throw new DeliveryError(`receiver unreachable: ${reason}`, false, { cause: error })
  }
  const text = await response.text().catch(() => '')
  if (response.ok) return
  const permanent =
    response.status >= 400 && response.status < 500 && ![408, 425, 429].includes(response.status)
  throw new DeliveryError(`receiver answered HTTP ${response.status}: ${text.slice(0, 200)}`, permanent)
}
