/**
 * Signed identity (docs/identity.md): what the site's server vouches for about its visitor, the way
 * Intercom's identity verification works. The site signs base64url(JSON) with the shared
 * IDENTITY_SECRET (HMAC-SHA256); only then do `customerKey` and `tagIds`, which a visitor must never
 * choose, reach zChat, and the signed name, email, phone and CPF override what the visitor typed.
 *
 * It is a bearer token that sits in a page, where any script of the page (and any cache the page
 * passes through) may copy it, so it is made for one use: it names this proxy (`aud`), says when
 * it was signed (`iat`) and lives IDENTITY_MAX_AGE_SECONDS at most, and its id (`jti`) starts one
 * conversation (used-identities.ts).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { type SignedIdentity, visitorProfile } from '../protocol/schemas.ts'
import { ApiError } from './errors.ts'
import { type RotatingSecret, secretValues } from './keys.ts'

export const identityDefaults = {
  /** IDENTITY_MAX_AGE_SECONDS when not told otherwise (tests and tools; env.ts has the setting's). */
  maxAgeSeconds: 600,
} as const

/** How far ahead of this proxy's clock a site's `iat` may be: two servers' clocks never agree. */
export const clockSkewSeconds = 60

/** The claims every identity carries besides what it says about the visitor. */
const claimNames = ['iat', 'exp', 'aud', 'jti'] as const

const identityPayload = visitorProfile.extend({
  /** zChat's key of a customer that already exists there. */
  customerKey: z.string().trim().min(1).max(200).optional(),
  /** zChat's tag ids, as strings (the document's example writes them so). */
  tagIds: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  /** Unix seconds: when the site's server signed it. */
  iat: z.int().positive(),
  /** Unix seconds: when it stops being good, at most the proxy's IDENTITY_MAX_AGE_SECONDS after `iat`. */
  exp: z.int().positive(),
  /** The proxy it is for: its PUBLIC_URL. */
  aud: z.string().min(1).max(2048),
  /** Its id, random: a second start with it is refused. */
  jti: z.string().min(16, 'at least 16 characters (a random id)').max(200),
})
export type VerifiedIdentity = Omit<z.infer<typeof identityPayload>, (typeof claimNames)[number]>

/** A verified identity, and what makes it single-use: its id, good until `expiresAt` (ms). */
export type CheckedIdentity = { verified: VerifiedIdentity; jti: string; expiresAt: number }

const base64url = /^[A-Za-z0-9_-]+$/

/** What the site's server does (see docs/identity.md); the tests and the demo sign with it too. */
export function signIdentity(secret: string, data: object): { payload: string; signature: string } {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url')
  return { payload, signature: createHmac('sha256', secret).update(payload).digest('base64url') }
}

export type IdentityVerifierOptions = {
  /** IDENTITY_SECRET (and IDENTITY_SECRET_PREVIOUS); without it every identity is refused (422). */
  secret: string | RotatingSecret | null
  /** IDENTITY_MAX_AGE_SECONDS: the longest `exp - iat` taken. */
  maxAgeSeconds: number
  /** This proxy's PUBLIC_URL, which `aud` must name. */
  audience: () => string
  now?: () => number
}

const withoutSlash = (url: string) => url.replace(/\/+$/, '')

/**
/**
 * Verifies a signed identity: 401 AUTHENTICATION_ERROR when it is unsigned, badly signed, expired,
 * for another proxy, too long-lived or unreadable, each saying which; 422 when this proxy has no
 * IDENTITY_SECRET to check it with. During a rotation (IDENTITY_SECRET_PREVIOUS) what the site
 * signed with either value is taken. Whether its `jti` was used is the route's to ask (it is taken
 * only when the start is let through).
 */
export function createIdentityVerifier({
  secret,
  maxAgeSeconds,
  audience,
  now = Date.now,
}: IdentityVerifierOptions) {
  const secrets = secret === null ? [] : secretValues(secret)
  return function verifyIdentity(identity: SignedIdentity): CheckedIdentity {
    if (secrets.length === 0)
      throw new ApiError(
        'UNPROCESSABLE',
        'Identity verification is not configured on this chat (IDENTITY_SECRET is not set)',
      )
    const refuse = (why: string) => new ApiError('AUTHENTICATION_ERROR', `Identity ${why}`)
    const { payload } = identity
    const signature = identity.signature?.replace(/=+$/, '')
    if (!signature) throw refuse('is not signed')
    if (!base64url.test(payload) || !base64url.test(signature)) throw refuse('is malformed')
    const given = Buffer.from(signature, 'base64url')
    const signedWith = (key: string) => {
      const expected = createHmac('sha256', key).update(payload).digest()
      return given.length === expected.length && timingSafeEqual(given, expected)
    }
    if (!secrets.some(signedWith)) throw refuse('signature does not match')
    let data: unknown
    try {
      data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    } catch {
      throw refuse('payload is not base64url JSON')
    }
    const aud = withoutSlash(audience())
    // A site still signing the first format (no iat, aud or jti) is told what changed, in one go.
    const missing = claimNames.filter(
      (name) => typeof data !== 'object' || data === null || !(name in data),
    )
    if (missing.length > 0)
      throw refuse(
        `payload lacks ${missing.join(', ')}: every identity now carries iat (when it was signed, Unix seconds), exp (at most ${maxAgeSeconds} s after iat), aud ("${aud}", this chat's PUBLIC_URL) and jti (a random id, used once); see docs/identity.md`,
      )
    const parsed = identityPayload.safeParse(data)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw refuse(`payload is invalid: ${issue?.path.join('.') || '(payload)'}: ${issue?.message}`)
    }
    const { iat, exp, aud: signedFor, jti, ...verified } = parsed.data
    if (withoutSlash(signedFor) !== aud)
      throw refuse(`is for another chat: aud must be "${aud}" (this chat's PUBLIC_URL)`)
    const seconds = now() / 1000
    if (exp <= seconds) throw refuse('has expired')
    if (iat > seconds + clockSkewSeconds)
      throw refuse("was issued in the future (iat): check the site server's clock")
    if (exp - iat > maxAgeSeconds)
      throw refuse(`lives too long: exp may be at most ${maxAgeSeconds} s after iat`)
    if (exp <= iat) throw refuse('expires before it was issued (exp <= iat)')
    return { verified, jti, expiresAt: exp * 1000 }
  }
}

export type VerifyIdentity = ReturnType<typeof createIdentityVerifier>

/**
 * Whom a conversation belongs to, kept with its transcript: the signed customer (its key, else its
 * signed details) as a hash, or '' when it started without a signed identity. A new conversation
 * carries an earlier one's history only when both have the same owner.
 */
export function ownerOf(identity: VerifiedIdentity | undefined): string {
  if (!identity) return ''
  const { customerKey, name, email, phone, cpf } = identity
  const subject =
    customerKey === undefined
      ? ['details', name ?? '', email ?? '', phone ?? '', cpf ?? '']
      : ['customer', customerKey]
  return createHash('sha256').update(JSON.stringify(subject)).digest('base64url')
}
