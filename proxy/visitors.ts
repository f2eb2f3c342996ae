/**
 * Visitor credentials: proof that a caller is the visitor who started a conversation. History
 * tickets, the read-only capability in the external-history URL zChat fetches, are made the same
 * way with a key of their own.
 *
 * Stateless and signed (HMAC-SHA256 over the conversation id and expiry) so any proxy instance can
 * verify it without shared storage. Sent only in the Authorization header, never in a URL or a
 * cookie (the widget lives on other sites' pages). Knowing a conversation id alone grants nothing.
 *
 * `v2.<kid>.<payload>.<signature>`: the key id says which SESSION_SECRET signed it (keys.ts), so
 * what SESSION_SECRET_PREVIOUS signed still verifies after a rotation, until it expires. Each kind
 * has its key derived from the secret with a label of its own: a credential never passes for a
 * ticket, nor a ticket for a credential.
 *
 * `v1.<payload>.<signature>` is the format before key ids (signed with the secret itself, tickets
 * with `secret + ":history"`): still verified, with either value, so that the upgrade logs nobody
 * out and voids no history link. Nothing is issued in it any more; the last v1 credential expires
 * SESSION_TTL_HOURS after the upgrade, the last v1 ticket HISTORY_RETENTION_DAYS after it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { ApiError } from './errors.ts'
import { deriveKey, keyId, type RotatingSecret, secretValues } from './keys.ts'

export type VisitorCredential = { conversationId: string; expiresAt: Date }

export type Visitors = {
  issue(conversationId: string): { credential: string; expiresAt: Date }
  /** A genuine, unexpired credential, whichever conversation it opens; 401 otherwise. */
  check(credential: string): VisitorCredential
  /** The Authorization header of a call on `conversationId`: 401 if absent or not genuine, 403 if for another. */
  verify(header: string | undefined, conversationId: string): VisitorCredential
}

type Kind = {
  /** HKDF's label for this kind's key. */
  label: string
  /** The v1 format's key for this kind. */
  legacyKey: (secret: string) => string
}
const visitorKind: Kind = { label: 'zchat-proxy visitor credential', legacyKey: (s) => s }
const ticketKind: Kind = {
  label: 'zchat-proxy history ticket',
  legacyKey: (s) => `${s}:history`,
}

const hmac = (key: Buffer | string, text: string) =>
  createHmac('sha256', key).update(text).digest('base64url')

function isSignature(expected: string, given: string) {
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Visitor credentials, signed with SESSION_SECRET (and verified with its previous value too). */
export function createVisitors(
  secret: string | RotatingSecret,
  ttlMs: number,
  now: () => number = Date.now,
): Visitors {
  return createSigned(visitorKind, secret, ttlMs, now)
}

/** History tickets: the same format, with a key of their own derived from SESSION_SECRET. */
export function createTickets(
  secret: string | RotatingSecret,
  ttlMs: number,
  now: () => number = Date.now,
): Visitors {
  return createSigned(ticketKind, secret, ttlMs, now)
}

function createSigned(
  kind: Kind,
  secret: string | RotatingSecret,
  ttlMs: number,
  now: () => number,
): Visitors {
  const values = secretValues(secret)
  const keys = new Map(
    values.map((value) => {
      const key = deriveKey(value, kind.label)
      return [keyId(key), key] as const
    }),
  )
  // The first is the current value's.
  const [currentKid, currentKey] = [...keys][0]!
  const legacyKeys = values.map(kind.legacyKey)

  /** The payload when `credential` is one we signed, in either format; null otherwise. */
  function signedPayload(credential: string): string | null {
    // Exactly the format's parts: anything appended is not a credential we issued.
    const parts = credential.split('.')
    if (parts.length === 4 && parts[0] === 'v2') {
      const [, kid = '', payload, signature] = parts
      const key = keys.get(kid)
      if (!key || !payload || !signature) return null
      return isSignature(hmac(key, `v2.${kid}.${payload}`), signature) ? payload : null
    }
    if (parts.length === 3 && parts[0] === 'v1') {
      const [, payload, signature] = parts
      if (!payload || !signature) return null
      const signed = legacyKeys.some((key) => isSignature(hmac(key, `v1.${payload}`), signature))
      return signed ? payload : null
    }
    return null
  }

  function read(credential: string): VisitorCredential | null {
    const payload = signedPayload(credential)
    if (payload === null) return null
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
      const signed = `v2.${currentKid}.${payload}`
      return { credential: `${signed}.${hmac(currentKey, signed)}`, expiresAt }
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
