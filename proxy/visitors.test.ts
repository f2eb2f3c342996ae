import { createHmac, hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ApiError } from './errors.ts'
import { createTickets, createVisitors } from './visitors.ts'

const secret = 'a-session-secret-of-32-characters!!'
const next = 'the-next-session-secret-32-characters'

function failure(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof ApiError) return error.code
    throw error
  }
  return 'passed'
}

const payloadOf = (conversationId: string, expiresAt: number) =>
  Buffer.from(JSON.stringify({ c: conversationId, e: expiresAt })).toString('base64url')

/** A credential in the format before key ids, as proxies before the upgrade issued it. */
function v1Credential(key: string, conversationId: string, expiresAt: number) {
  const payload = payloadOf(conversationId, expiresAt)
  return `v1.${payload}.${createHmac('sha256', key).update(`v1.${payload}`).digest('base64url')}`
}

describe('visitor credentials', () => {
  it('open exactly the conversation they were issued for, until they expire', () => {
    let t = 1_000
    const visitors = createVisitors(secret, 60_000, () => t)
    const { credential } = visitors.issue('conv-1')
    expect(visitors.verify(`Bearer ${credential}`, 'conv-1').conversationId).toBe('conv-1')
    expect(failure(() => visitors.verify(`Bearer ${credential}`, 'conv-2'))).toBe('FORBIDDEN')
    expect(failure(() => visitors.verify(undefined, 'conv-1'))).toBe('AUTHENTICATION_ERROR')
    expect(failure(() => visitors.verify(credential, 'conv-1'))).toBe('AUTHENTICATION_ERROR')
    t += 60_001
    expect(failure(() => visitors.verify(`Bearer ${credential}`, 'conv-1'))).toBe(
      'AUTHENTICATION_ERROR',
    )
  })

  it('cannot be forged or altered without the secret', () => {
    const ours = createVisitors(secret, 60_000)
    const theirs = createVisitors('another-secret-of-32-characters!!!!', 60_000)
    expect(
      failure(() => ours.verify(`Bearer ${theirs.issue('conv-1').credential}`, 'conv-1')),
    ).toBe('AUTHENTICATION_ERROR')
    const [v, kid, , signature] = ours.issue('conv-1').credential.split('.')
    const payload = payloadOf('conv-2', Date.now() + 1e9)
    expect(failure(() => ours.verify(`Bearer ${v}.${kid}.${payload}.${signature}`, 'conv-2'))).toBe(
      'AUTHENTICATION_ERROR',
    )
    // Another key's id on our signature opens nothing either.
    const [, theirKid] = theirs.issue('conv-1').credential.split('.')
    const [, , ourPayload, ourSignature] = ours.issue('conv-1').credential.split('.')
    expect(
      failure(() => ours.verify(`Bearer v2.${theirKid}.${ourPayload}.${ourSignature}`, 'conv-1')),
    ).toBe('AUTHENTICATION_ERROR')
  })

  it('refuses a genuine credential with anything appended', () => {
    const visitors = createVisitors(secret, 60_000)
    const { credential } = visitors.issue('conv-1')
    for (const altered of [`${credential}.x`, `${credential}.`, `x.${credential}`]) {
      expect(failure(() => visitors.verify(`Bearer ${altered}`, 'conv-1'))).toBe(
        'AUTHENTICATION_ERROR',
      )
    }
  })
})

describe('rotating SESSION_SECRET', () => {
  it('keeps what the previous secret signed valid until it expires, and signs anew with the current one', () => {
    let t = 1_000
    const before = createVisitors(secret, 60_000, () => t)
    const old = before.issue('conv-1').credential
    const after = createVisitors({ current: next, previous: secret }, 60_000, () => t)
    expect(after.verify(`Bearer ${old}`, 'conv-1').conversationId).toBe('conv-1')
    // New credentials are the current secret's: they outlive the previous one being dropped.
    const fresh = after.issue('conv-2').credential
    const dropped = createVisitors(next, 60_000, () => t)
    expect(dropped.verify(`Bearer ${fresh}`, 'conv-2').conversationId).toBe('conv-2')
    expect(failure(() => dropped.verify(`Bearer ${old}`, 'conv-1'))).toBe('AUTHENTICATION_ERROR')
    // The previous secret's credentials expire as they always would.
    t += 60_001
    expect(failure(() => after.verify(`Bearer ${old}`, 'conv-1'))).toBe('AUTHENTICATION_ERROR')
  })

  it('lets several instances restart one by one: taught the new value first, then signing with it', () => {
    // Step 1 of docs/security.md: the new value as the previous one, the old one still signing.
    const taught = createVisitors({ current: secret, previous: next }, 60_000)
    // Step 2, on an instance restarted before the others.
    const swapped = createVisitors({ current: next, previous: secret }, 60_000)
    const fromSwapped = swapped.issue('conv-1').credential
    const fromTaught = taught.issue('conv-2').credential
    expect(taught.verify(`Bearer ${fromSwapped}`, 'conv-1').conversationId).toBe('conv-1')
    expect(swapped.verify(`Bearer ${fromTaught}`, 'conv-2').conversationId).toBe('conv-2')
  })

  it('names the key in the credential by an id that tells nothing of the secret', () => {
    const kidOf = (s: string) => createVisitors(s, 60_000).issue('c').credential.split('.')[1]!
    const credential = createVisitors(secret, 60_000).issue('conv-1').credential
    expect(credential).toMatch(/^v2\.[\w-]{8}\.[\w-]+\.[\w-]{43}$/)
    expect(kidOf(secret)).toBe(kidOf(secret))
    expect(kidOf(secret)).not.toBe(kidOf(next))
    expect(secret).not.toContain(kidOf(secret))
    // An HMAC of the derived key, not a piece of it or of the secret.
    const key = Buffer.from(hkdfSync('sha256', secret, '', 'zchat-proxy visitor credential', 32))
    const kid = createHmac('sha256', key).update('kid').digest().subarray(0, 6)
    expect(kidOf(secret)).toBe(kid.toString('base64url'))
  })

  it("still takes v1 credentials (today's format) with the current or the previous secret, until they expire", () => {
    const t = 1_000
    const v1 = v1Credential(secret, 'conv-1', t + 60_000)
    const upgraded = createVisitors(secret, 60_000, () => t)
    expect(upgraded.verify(`Bearer ${v1}`, 'conv-1').conversationId).toBe('conv-1')
    // Rotated right after the upgrade: still in.
    const rotated = createVisitors({ current: next, previous: secret }, 60_000, () => t)
    expect(rotated.verify(`Bearer ${v1}`, 'conv-1').conversationId).toBe('conv-1')
    expect(failure(() => upgraded.verify(`Bearer ${v1}`, 'conv-2'))).toBe('FORBIDDEN')
    const expired = v1Credential(secret, 'conv-1', t)
    expect(failure(() => upgraded.verify(`Bearer ${expired}`, 'conv-1'))).toBe(
      'AUTHENTICATION_ERROR',
    )
    const forged = v1Credential('not-the-secret-but-32-characters-long', 'conv-1', t + 60_000)
    expect(failure(() => upgraded.verify(`Bearer ${forged}`, 'conv-1'))).toBe(
      'AUTHENTICATION_ERROR',
    )
  })
})

describe('history tickets', () => {
  it('are signed with a key HKDF derives from SESSION_SECRET, never pass for a credential, nor one for them', () => {
    const tickets = createTickets(secret, 60_000)
    const visitors = createVisitors(secret, 60_000)
    const ticket = tickets.issue('conv-1').credential
    const credential = visitors.issue('conv-1').credential
    expect(tickets.check(ticket).conversationId).toBe('conv-1')
    expect(failure(() => visitors.check(ticket))).toBe('AUTHENTICATION_ERROR')
    expect(failure(() => tickets.check(credential))).toBe('AUTHENTICATION_ERROR')
    // HKDF-SHA256 with a label, not `secret + ":history"`.
    const key = Buffer.from(hkdfSync('sha256', secret, '', 'zchat-proxy history ticket', 32))
    const [, kid, payload, signature] = ticket.split('.')
    expect(createHmac('sha256', key).update(`v2.${kid}.${payload}`).digest('base64url')).toBe(
      signature,
    )
    // In the old format too, each kind has its own key.
    const v1Ticket = v1Credential(`${secret}:history`, 'conv-1', Date.now() + 60_000)
    const v1Visitor = v1Credential(secret, 'conv-1', Date.now() + 60_000)
    expect(failure(() => visitors.check(v1Ticket))).toBe('AUTHENTICATION_ERROR')
    expect(failure(() => tickets.check(v1Visitor))).toBe('AUTHENTICATION_ERROR')
  })

  it('signed before a rotation (or before the upgrade) still open their history', () => {
    const old = createTickets(secret, 60_000).issue('conv-1').credential
    const v1 = v1Credential(`${secret}:history`, 'conv-2', Date.now() + 60_000)
    const rotated = createTickets({ current: next, previous: secret }, 60_000)
    expect(rotated.check(old).conversationId).toBe('conv-1')
    expect(rotated.check(v1).conversationId).toBe('conv-2')
    expect(failure(() => createTickets(next, 60_000).check(old))).toBe('AUTHENTICATION_ERROR')
  })
})
