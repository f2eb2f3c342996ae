/**
 * Signed identity (docs/identity.md): what the site's server vouches for about its visitor, the way
 * Intercom's identity verification works. The site signs base64url(JSON) with the shared
 * IDENTITY_SECRET (HMAC-SHA256); only then do `customerKey` and `tagIds`, which a visitor must never
 * choose, reach zChat, and the signed name, email, phone and CPF override what the visitor typed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { type SignedIdentity, visitorProfile } from '../protocol/schemas.ts'
import { ApiError } from './errors.ts'
import { type RotatingSecret, secretValues } from './keys.ts'

/** How far ahead `exp` may be: a leaked identity must not be good for long. */
export const identityMaxAgeSeconds = 24 * 60 * 60

const identityPayload = visitorProfile.extend({
  /** zChat's key of a customer that already exists there. */
  customerKey: z.string().trim().min(1).max(200).optional(),
  /** zChat's tag ids, as strings (the document's example writes them so). */
  tagIds: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  /** Unix seconds. */
  exp: z.int().positive(),
})
export type VerifiedIdentity = Omit<z.infer<typeof identityPayload>, 'exp'>

const base64url = /^[A-Za-z0-9_-]+$/

/** What the site's server does (see docs/identity.md); the tests and the demo sign with it too. */
export function signIdentity(secret: string, data: object): Required<SignedIdentity> {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url')
  return { payload, signature: createHmac('sha256', secret).update(payload).digest('base64url') }
}

/**
 * Verifies a signed identity: 401 AUTHENTICATION_ERROR when it is unsigned, badly signed, expired
 * or unreadable; 422 when this proxy has no IDENTITY_SECRET to check it with. During a rotation
 * (IDENTITY_SECRET_PREVIOUS) what the site signed with either value is taken.
 */
export function createIdentityVerifier(
  secret: string | RotatingSecret | null,
  now: () => number = Date.now,
) {
  const secrets = secret === null ? [] : secretValues(secret)
  return function verifyIdentity(identity: SignedIdentity): VerifiedIdentity {
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
    const parsed = identityPayload.safeParse(data)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw refuse(`payload is invalid: ${issue?.path.join('.') || '(payload)'}: ${issue?.message}`)
    }
    const { exp, ...verified } = parsed.data
    const seconds = now() / 1000
    if (exp <= seconds) throw refuse('has expired')
    if (exp > seconds + identityMaxAgeSeconds)
      throw refuse(`expires too far ahead: exp may be at most ${identityMaxAgeSeconds} s from now`)
    return verified
  }
}

export type VerifyIdentity = ReturnType<typeof createIdentityVerifier>
