import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ApiError } from './errors.ts'
import { createIdentityVerifier, ownerOf, signIdentity } from './identity.ts'
import type { RotatingSecret } from './keys.ts'

const secret = 'site-identity-secret-0123456789abcdef'
const publicUrl = 'https://chat.example.com'
const now = 1_750_000_000_000
const seconds = now / 1000
const verifier = (
  options: { secret?: string | RotatingSecret | null; maxAgeSeconds?: number } = {},
) =>
  createIdentityVerifier({
    secret: options.secret === undefined ? secret : options.secret,
    maxAgeSeconds: options.maxAgeSeconds ?? 600,
    audience: () => publicUrl,
    now: () => now,
  })
const verify = verifier()
const claims = {
  iat: seconds - 10,
  exp: seconds + 290,
  aud: publicUrl,
  jti: 'b3a1f0c2-5d1e-4f7a-9c1b-2e3d4f5a6b7c',
}
const data = {
  customerKey: 'crm-42',
  tagIds: ['10', '11'],
  name: 'Ana Souza',
  email: 'ana@example.com',
  cpf: '529.982.247-25',
  ...claims,
}

function refusal(call: () => unknown): { code: string; status: number; message: string } {
  try {
    call()
  } catch (error) {
    if (error instanceof ApiError)
      return { code: error.code, status: error.status, message: error.message }
    throw error
  }
  throw new Error('accepted')
}

describe('verifyIdentity', () => {
  it('returns what the site signed, and apart from it the id and when it expires', () => {
    expect(verify(signIdentity(secret, data))).toEqual({
      verified: {
        customerKey: 'crm-42',
        tagIds: ['10', '11'],
        name: 'Ana Souza',
        email: 'ana@example.com',
        cpf: '529.982.247-25',
      },
      jti: claims.jti,
      expiresAt: claims.exp * 1000,
    })
  })

  it('takes the minimal form: a customer key and the claims, nothing personal', () => {
    expect(verify(signIdentity(secret, { customerKey: 'crm-42', ...claims })).verified).toEqual({
      customerKey: 'crm-42',
    })
  })

  it('is the documented recipe: base64url JSON, base64url HMAC-SHA256 of that string', () => {
    const payload = Buffer.from(JSON.stringify({ customerKey: 'k', ...claims })).toString(
      'base64url',
    )
    const signature = createHmac('sha256', secret).update(payload).digest('base64url')
    expect(verify({ payload, signature }).verified).toEqual({ customerKey: 'k' })
    // Padding, as some libraries add it, changes nothing.
    expect(verify({ payload, signature: `${signature}=` }).verified).toEqual({ customerKey: 'k' })
  })

  it('refuses a tampered payload', () => {
    const signed = signIdentity(secret, data)
    const tampered = Buffer.from(JSON.stringify({ ...data, tagIds: ['10', '11', '999'] })).toString(
      'base64url',
    )
    expect(refusal(() => verify({ ...signed, payload: tampered }))).toMatchObject({
      code: 'AUTHENTICATION_ERROR',
      status: 401,
      message: 'Identity signature does not match',
    })
  })

  it('refuses a signature made with another secret, or none', () => {
    const forged = signIdentity('another-secret-0123456789abcdefghij', data)
    expect(refusal(() => verify(forged)).status).toBe(401)
    const { payload } = signIdentity(secret, data)
    expect(refusal(() => verify({ payload }))).toMatchObject({
      status: 401,
      message: 'Identity is not signed',
    })
    expect(refusal(() => verify({ payload, signature: '' })).status).toBe(401)
  })

  it('tells a site signing the first format (exp only) every claim it lacks, and where to read', () => {
    const old = signIdentity(secret, { customerKey: 'crm-42', exp: seconds + 3600 })
    const { status, message } = refusal(() => verify(old))
    expect(status).toBe(401)
    expect(message).toBe(
      `Identity payload lacks iat, aud, jti: every identity now carries iat (when it was signed, Unix seconds), exp (at most 600 s after iat), aud ("${publicUrl}", this chat's PUBLIC_URL) and jti (a random id, used once); see docs/identity.md`,
    )
  })

  it('refuses an expired identity', () => {
    for (const exp of [seconds - 1, seconds])
      expect(
        refusal(() => verify(signIdentity(secret, { ...data, iat: exp - 60, exp }))),
      ).toMatchObject({ status: 401, message: 'Identity has expired' })
  })

  it('refuses one that lives longer than IDENTITY_MAX_AGE_SECONDS, however fresh', () => {
    const day = signIdentity(secret, { ...data, iat: seconds, exp: seconds + 24 * 3600 })
    expect(refusal(() => verify(day)).message).toBe(
      'Identity lives too long: exp may be at most 600 s after iat',
    )
    const tenMinutes = signIdentity(secret, { ...data, iat: seconds, exp: seconds + 600 })
    expect(verify(tenMinutes).jti).toBe(claims.jti)
    expect(refusal(() => verifier({ maxAgeSeconds: 120 })(tenMinutes)).message).toMatch(
      /at most 120 s after iat/,
    )
  })

  it("refuses one issued in the future, past a minute of the clocks' difference", () => {
    const ahead = (by: number) =>
      signIdentity(secret, { ...data, iat: seconds + by, exp: seconds + by + 300 })
    expect(verify(ahead(60)).jti).toBe(claims.jti)
    expect(refusal(() => verify(ahead(61))).message).toMatch(/issued in the future/)
  })

  it('refuses one signed for another proxy; a trailing slash is the same address', () => {
    const other = signIdentity(secret, { ...data, aud: 'https://chat.other.example' })
    expect(refusal(() => verify(other))).toMatchObject({
      status: 401,
      message: `Identity is for another chat: aud must be "${publicUrl}" (this chat's PUBLIC_URL)`,
    })
    expect(verify(signIdentity(secret, { ...data, aud: `${publicUrl}/` })).jti).toBe(claims.jti)
  })

  it('refuses malformed identities, signed or not', () => {
    const sign = (payload: string) => ({
      payload,
      signature: createHmac('sha256', secret).update(payload).digest('base64url'),
    })
    const b64 = (text: string) => Buffer.from(text).toString('base64url')
    const signedJson = (value: object) => sign(b64(JSON.stringify(value)))
    for (const identity of [
      { payload: 'not base64url!', signature: 'abc' },
      { payload: b64('{}'), signature: 'not base64url!' },
      sign(b64('not json')),
      sign(b64('[1,2]')),
      signedJson({ customerKey: 'k' }),
      signedJson({ ...claims, exp: 'tomorrow' }),
      signedJson({ ...claims, iat: 'now' }),
      signedJson({ ...claims, jti: 'short' }),
      signedJson({ ...claims, aud: 42 }),
      signedJson({ ...claims, tagIds: '10' }),
      signedJson({ ...claims, cpf: '111.111.111-11' }),
      signedJson({ ...claims, email: 'not-an-email' }),
      signedJson({ ...claims, customer_key: 'typo' }),
    ])
      expect(
        refusal(() => verify(identity)),
        identity.payload,
      ).toMatchObject({
        code: 'AUTHENTICATION_ERROR',
        status: 401,
      })
  })

  it('takes what the site signed with either value during a rotation, and only those', () => {
    const previous = 'the-identity-secret-before-rotation'
    const rotated = verifier({ secret: { current: secret, previous } })
    expect(rotated(signIdentity(previous, data))).toMatchObject({
      verified: { customerKey: 'crm-42' },
    })
    expect(rotated(signIdentity(secret, data))).toMatchObject({
      verified: { customerKey: 'crm-42' },
    })
    expect(
      refusal(() => rotated(signIdentity('some-other-secret-0123456789abcdef', data))),
    ).toMatchObject({
      code: 'AUTHENTICATION_ERROR',
      message: 'Identity signature does not match',
    })
    // Once the previous value is dropped, what it signed is refused.
    expect(refusal(() => verify(signIdentity(previous, data)))).toMatchObject({
      code: 'AUTHENTICATION_ERROR',
    })
  })

  it('refuses any identity when no secret is configured', () => {
    expect(refusal(() => verifier({ secret: null })(signIdentity(secret, data)))).toMatchObject({
      code: 'UNPROCESSABLE',
      status: 422,
      message: expect.stringMatching(/not configured/),
    })
  })
})

describe('ownerOf', () => {
  it('is the customer key when there is one, else the signed details; empty without an identity', () => {
    expect(ownerOf(undefined)).toBe('')
    expect(ownerOf({ customerKey: 'crm-42', name: 'Ana' })).toBe(ownerOf({ customerKey: 'crm-42' }))
    expect(ownerOf({ customerKey: 'crm-42' })).not.toBe(ownerOf({ customerKey: 'crm-43' }))
    expect(ownerOf({ email: 'ana@example.com' })).not.toBe(ownerOf({ email: 'bia@example.com' }))
    expect(ownerOf({ email: 'ana@example.com' })).not.toBe('')
  })
})
