import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signBody, verifySignature } from './signature.ts'

const secret = 'a-site-secret-of-at-least-32-characters'
const body = '{"type":"message-left","text":"Olá"}'
const now = Date.parse('2025-03-01T12:00:00Z')
const t = now / 1000

describe('the delivery signature', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">, as a receiver computes it with node:crypto', () => {
    const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
    expect(signBody(secret, body, t)).toBe(`t=${t},v1=${mac}`)
  })

  it('verifies the genuine article', () => {
    expect(verifySignature(secret, signBody(secret, body, t), body, now)).toBe(true)
    // Spaces after the comma, as some senders write it.
    const spaced = signBody(secret, body, t).replace(',', ', ')
    expect(verifySignature(secret, spaced, body, now)).toBe(true)
  })

  it('refuses another body, another secret, a changed timestamp and garbage', () => {
    const header = signBody(secret, body, t)
    expect(verifySignature(secret, header, `${body} `, now)).toBe(false)
    expect(verifySignature(`${secret}x`, header, body, now)).toBe(false)
    expect(verifySignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, now)).toBe(false)
    for (const bad of [
      undefined,
      '',
      't=1',
      'v1=abc',
      `t=${t},v1=zz`,
      `t=x,v1=${'0'.repeat(64)}`,
    ]) {
      expect(verifySignature(secret, bad, body, now)).toBe(false)
    }
  })

  it('refuses a signature older (or newer) than the tolerance: a replayed delivery', () => {
    const old = signBody(secret, body, t - 301)
    expect(verifySignature(secret, old, body, now)).toBe(false)
    expect(verifySignature(secret, old, body, now, 600)).toBe(true)
    expect(verifySignature(secret, signBody(secret, body, t + 301), body, now)).toBe(false)
  })
})
