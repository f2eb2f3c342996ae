import { describe, expect, it } from 'vitest'
import { ApiError } from './errors.ts'
import { createVisitors } from './visitors.ts'

const secret = 'a-session-secret-of-32-characters!!'

function failure(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof ApiError) return error.code
    throw error
  }
  return 'passed'
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
    const [v, , signature] = ours.issue('conv-1').credential.split('.')
    const payload = Buffer.from(JSON.stringify({ c: 'conv-2', e: Date.now() + 1e9 })).toString(
      'base64url',
    )
    expect(failure(() => ours.verify(`Bearer ${v}.${payload}.${signature}`, 'conv-2'))).toBe(
      'AUTHENTICATION_ERROR',
    )
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
