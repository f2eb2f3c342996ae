import { describe, expect, it, vi } from 'vitest'
import { askIdentity, readIdentity } from './identity.ts'

const payloadOf = (data: object) => Buffer.from(JSON.stringify(data)).toString('base64url')
const claims = { iat: 1, exp: 2, aud: 'https://chat.test', jti: 'j'.repeat(16) }

describe('readIdentity', () => {
  it("reads the signed details to fill and skip the form, never the site's keys", () => {
    const payload = payloadOf({
      name: 'Ana Lúcia',
      cpf: '52998224725',
      customerKey: 'crm-1',
      ...claims,
    })
    expect(readIdentity({ payload, signature: 'x' }).details).toEqual({
      name: 'Ana Lúcia',
      cpf: '52998224725',
    })
    expect(readIdentity({ payload: 'not json' })).toEqual({ details: {} })
    expect(readIdentity(undefined)).toEqual({ details: {} })
  })

  it('names the customer by its key, else its details, as a digest that keeps neither', () => {
    const owner = (data: object) =>
      readIdentity({ payload: payloadOf({ ...data, ...claims }) }).owner
    const ana = owner({ customerKey: 'crm-ana' })
    expect(ana).toBeDefined()
    expect(ana).not.toContain('crm-ana')
    // A fresh identity of the same customer, with or without details: the same owner.
    expect(owner({ customerKey: 'crm-ana', name: 'Ana' })).toBe(ana)
    expect(owner({ customerKey: 'crm-bia' })).not.toBe(ana)
    expect(owner({ email: 'ana@example.com' })).toBe(owner({ email: 'ana@example.com' }))
    expect(owner({ email: 'ana@example.com' })).not.toBe(owner({ email: 'bia@example.com' }))
    // Claims alone name no one.
    expect(owner({})).toBeUndefined()
  })
})

describe('askIdentity', () => {
  it("takes the page's answer, or the promise of one", async () => {
    const identity = { payload: 'e30', signature: 's' }
    expect(await askIdentity(() => identity)).toEqual(identity)
    expect(await askIdentity(async () => ({ ...identity, extra: 1 }))).toEqual(identity)
  })

  it('fails on anything but a payload and a signature, and when the page fails, saying so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    for (const answer of [undefined, 'e30.s', { payload: 'e30' }, { payload: 1, signature: 's' }])
      await expect(
        askIdentity(() => answer),
        JSON.stringify(answer),
      ).rejects.toThrow(TypeError)
    await expect(askIdentity(() => Promise.reject(new Error('the site is down')))).rejects.toThrow(
      'the site is down',
    )
    expect(warn).toHaveBeenCalledTimes(5)
    expect(warn.mock.calls[4]).toEqual([
      "[zchat] zchat('identify', {identity}) failed",
      new Error('the site is down'),
    ])
    warn.mockRestore()
  })
})
