/**
 * The signature on each delivery to LEAVE_MESSAGE_URL, Stripe style: `X-Zchat-Signature:
 * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The timestamp is signed with the body,
 * so a captured delivery cannot be replayed later than the receiver's tolerance. Every attempt is
 * signed afresh (a retry has a new `t`, the same body).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const signatureHeader = 'x-zchat-signature'

/** How old a signature a receiver accepts by default (and how far in the future: clock skew). */
export const defaultToleranceSeconds = 300

export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')
  return `t=${unixSeconds},v1=${mac}`
}

/**
 * True when `header` signs `body` with `secret`, within `toleranceSeconds` of `now`. What a receiver
 * runs (the demo website does; docs/http-api.md shows the same in ten lines).
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  now = Date.now(),
  toleranceSeconds = defaultToleranceSeconds,
): boolean {
  if (!header) return false
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=')
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const
    }),
  )
  const t = Number(parts.get('t'))
  const given = parts.get('v1') ?? ''
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false
  if (!/^[0-9a-f]{64}$/.test(given)) return false
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest()
  return timingSafeEqual(expected, Buffer.from(given, 'hex'))
}
