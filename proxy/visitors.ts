/**
 * Visitor credentials: proof that a caller is the visitor who started a conversation.
 *
 * Stateless and signed (HMAC-SHA256 over the conversation id and expiry) so any proxy instance can
 * verify it without shared storage. Sent only in the Authorization header, never in a URL or a
 * cookie (the widget lives on other sites' pages). Knowing a conversation id alone grants nothing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { ApiError } from './errors.ts'

const version = 'v1'

export type VisitorCredential = { conversationId: string; expiresAt: Date }

export type Visitors = {
  issue(conversationId: string): { credential: string; expiresAt: Date }
  /** A genuine, unexpired credential, whichever conversation it opens; 401 otherwise. */
  check(credential: string): VisitorCredential
  /** The Authorization header of a call on `conversationId`: 401 if absent or not genuine, 403 if for another. */
  verify(header: string | undefined, conversationId: string): VisitorCredential
}

export function createVisitors(
  secret: string,
  ttlMs: number,
  now: () => number = Date.now,
): Visitors {
  const sign = (payload: string) =>
    createHmac('sha256', secret).update(`${version}.${payload}`).digest('base64url')

  function read(credential: string): VisitorCredential | null {
    // Exactly version.payload.signature: anything appended is not a credential we issued.
    const parts = credential.split('.')
    if (parts.length !== 3) return null
    const [v, payload, signature] = parts
    if (v !== version || !payload || !signature) return null
    const expected = Buffer.from(sign(payload))
    const given = Buffer.from(signature)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
    try {
      const { c, e } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
        c: unknown
        e: unknown
      }
      if (typeof c !== 'string' || typeof e !== 'number') return null
      return { conversationId: c, expiresAt: new Date(e) }
    } catch {
      return null
    }
  }

  function check(given: string): VisitorCredential {
    const credential = read(given)
    if (!credential) throw new ApiError('AUTHENTICATION_ERROR', 'Invalid visitor credential')
    if (credential.expiresAt.getTime() <= now())
      throw new ApiError('AUTHENTICATION_ERROR', 'Visitor credential has expired')
    return credential
  }

  return {
    issue(conversationId) {
      const expiresAt = new Date(now() + ttlMs)
      const payload = Buffer.from(
        JSON.stringify({ c: conversationId, e: expiresAt.getTime() }),
      ).toString('base64url')
      return { credential: `${version}.${payload}.${sign(payload)}`, expiresAt }
    },
    check,
    verify(header, conversationId) {
      const match = /^Bearer ([\w.-]{1,2048})$/.exec(header ?? '')
      if (!match?.[1])
        throw new ApiError(
          'AUTHENTICATION_ERROR',
          'Missing visitor credential (Authorization: Bearer ...)',
        )
      const credential = check(match[1])
      // A credential opens exactly one conversation.
      if (credential.conversationId !== conversationId)
        throw new ApiError('FORBIDDEN', 'This credential is for another conversation')
      return credential
    },
  }
}
