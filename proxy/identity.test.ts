import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ApiError } from './errors.ts'
import { createIdentityVerifier, identityMaxAgeSeconds, signIdentity } from './identity.ts'

const secret = 'site-identity-secret-0123456789abcdef'
const now = 1_750_000_000_000
const verify = createIdentityVerifier(secret, () => now)
const inAnHour = now / 1000 + 3600
const data = {
  customerKey: 'crm-42',
  tagIds: ['10', '11'],
  name: 'Ana Souza',
  email: 'ana@example.com',
  cpf: '529.982.247-25',
  exp: inAnHour,
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
  it('returns what the site signed, without exp', () => {
    expect(verify(signIdentity(secret, data))).toEqual({
      customerKey: 'crm-42',
      tagIds: ['10', '11'],
      name: 'Ana Souza',
      email: 'ana@example.com',
      cpf: '529.982.247-25',
    })
  })

  it('is the documented recipe: base64url JSON, base64url HMAC-SHA256 of that string', () => {
    const payload = Buffer.from(JSON.stringify({ customerKey: 'k', exp: inAnHour })).toString(
      'base64url',
    )
    const signature = createHmac('sha256', secret).update(payload).digest('base64url')
    expect(verify({ payload, signature })).toEqual({ customerKey: 'k' })
    // Padding, as some libraries add it, changes nothing.
    expect(verify({ payload, signature: `${signature}=` })).toEqual({ customerKey: 'k' })
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

  it('refuses an expired identity, and one that would last too long', () => {
    expect(
      refusal(() => verify(signIdentity(secret, { ...data, exp: now / 1000 - 1 }))),
    ).toMatchObject({ status: 401, message: 'Identity has expired' })
    expect(refusal(() => verify(signIdentity(secret, { ...data, exp: now / 1000 }))).status).toBe(
      401,
    )
    const far = now / 1000 + identityMaxAgeSeconds + 60
    expect(refusal(() => verify(signIdentity(secret, { ...data, exp: far }))).message).toMatch(
      /too far ahead/,
    )
  })

  it('refuses malformed identities, signed or not', () => {
    const sign = (payload: string) => ({
      payload,
      signature: createHmac('sha256', secret).update(payload).digest('base64url'),
    })
    const b64 = (text: string) => Buffer.from(text).toString('base64url')
    for (const identity of [
      { payload: 'not base64url!', signature: 'abc' },
      { payload: b64('{}'), signature: 'not base64url!' },
      sign(b64('not json')),
      sign(b64('[1,2]')),
      sign(b64(JSON.stringify({ customerKey: 'k' }))),
      sign(b64(JSON.stringify({ exp: 'tomorrow' }))),
      sign(b64(JSON.stringify({ exp: inAnHour, tagIds: '10' }))),
      sign(b64(JSON.stringify({ exp: inAnHour, cpf: '111.111.111-11' }))),
      sign(b64(JSON.stringify({ exp: inAnHour, email: 'not-an-email' }))),
      sign(b64(JSON.stringify({ exp: inAnHour, customer_key: 'typo' }))),
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
    const rotated = createIdentityVerifier({ current: secret, previous }, () => now)
    expect(rotated(signIdentity(previous, data))).toMatchObject({ customerKey: 'crm-42' })
    expect(rotated(signIdentity(secret, data))).toMatchObject({ customerKey: 'crm-42' })
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
    const unconfigured = createIdentityVerifier(null, () => now)
    expect(refusal(() => unconfigured(signIdentity(secret, data)))).toMatchObject({
      code: 'UNPROCESSABLE',
      status: 422,
      message: expect.stringMatching(/not configured/),
    })
  })
})
