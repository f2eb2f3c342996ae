/**
 * Attack: messages left by a script. Leaving one needs no agent, so the site's inbox (and the
 * acknowledgement email it may send to whatever address was typed) is what a flood would reach.
 * With CAPTCHA_ACTIONS covering `leave-message`, nothing reaches the site without a token the
 * provider accepted, solved on one of the site's own hosts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import type { CaptchaSettings } from '../captcha.ts'
import type { Limits } from '../env.ts'
import { createDeliveries } from '../messages-left/delivery.ts'
import { type Harness, siteOrigin, startHarness } from '../testing/harness.ts'
import { type Receiver, startReceiver } from '../testing/site-inbox.ts'
import { type Siteverify, startSiteverify } from '../testing/siteverify.ts'

const secret = 'the-site-secret-0123456789abcdefghij'
const left = { email: 'ana@example.com', text: 'Do you ship to Recife?' }

let provider: Siteverify
let receiver: Receiver
let h: Harness | null = null
beforeAll(async () => {
  provider = await startSiteverify({
    good: { success: true, hostname: 'site.example' },
    // Solved on an attacker's page that carries the site's (public) site key.
    farmed: { success: true, hostname: 'evil.example' },
    nameless: { success: true },
    human: { success: true, hostname: 'site.example', score: 0.9 },
    bot: { success: true, hostname: 'site.example', score: 0.1 },
  })
  receiver = await startReceiver({ secret })
})
afterEach(async () => {
  await h?.close()
  h = null
})
afterAll(async () => {
  await provider.close()
  await receiver.close()
})

async function proxyWith(
  captcha: Omit<CaptchaSettings, 'verifyUrl'>,
  limits: Partial<Limits> = {},
) {
  h = await startHarness({
    captcha: { ...captcha, verifyUrl: provider.url },
    messagesLeft: createDeliveries({ url: receiver.url, secret, maxPending: 10 }),
    limits: { leaveMessagePerMinute: 100, ...limits },
  })
  return h
}

const leave = (on: Harness, body: object, from: string) =>
  on.app.inject({
    method: 'POST',
    url: routes.messagesLeft,
    payload: body,
    headers: { origin: siteOrigin },
    remoteAddress: from,
  })

describe('a CAPTCHA on left messages', () => {
  it('lets through only a token the provider accepted for one of the site’s hosts', async () => {
    const on = await proxyWith({ provider: 'turnstile', secret: 'captcha-secret' })
    const delivered = receiver.received.length
    const refusals = await Promise.all(
      [undefined, 'made-up', 'farmed', 'nameless'].map((captcha, i) =>
        leave(on, { ...left, ...(captcha && { captcha }) }, `127.0.7.${i + 1}`),
      ),
    )
    for (const refused of refusals) {
      expect(refused.statusCode).toBe(403)
      // Named, so the widget tells it from a site that may not use the chat.
      expect(refused.json()).toMatchObject({ code: 'FORBIDDEN', details: [{ path: 'captcha' }] })
    }
    const good = await leave(on, { ...left, captcha: 'good' }, '127.0.7.9')
    expect(good.statusCode).toBe(202)
    const [arrived] = (await receiver.waitFor(delivered + 1)).slice(delivered)
    expect(receiver.received).toHaveLength(delivered + 1)
    // The token was for the proxy: the site never sees it.
    expect(JSON.parse(arrived!.body)).not.toHaveProperty('captcha')
    expect(provider.asked.at(-1)?.get('secret')).toBe('captcha-secret')
    expect(provider.asked.at(-1)?.get('remoteip')).toBe('127.0.7.9')
  })

  it('refuses a reCAPTCHA v3 token that scored as a bot', async () => {
    const on = await proxyWith({ provider: 'recaptcha', secret: 'captcha-secret' })
    expect((await leave(on, { ...left, captcha: 'bot' }, '127.0.8.1')).statusCode).toBe(403)
    expect((await leave(on, { ...left, captcha: 'human' }, '127.0.8.2')).statusCode).toBe(202)
  })

  it('asks nothing of left messages when CAPTCHA_ACTIONS is only `start`', async () => {
    const on = await proxyWith({
      provider: 'hcaptcha',
      secret: 'captcha-secret',
      actions: ['start'],
    })
    const asked = provider.asked.length
    expect((await leave(on, left, '127.0.9.1')).statusCode).toBe(202)
    expect(provider.asked).toHaveLength(asked)
  })

  it('refuses once the deployment’s budget is spent without asking the provider', async () => {
    const on = await proxyWith(
      { provider: 'turnstile', secret: 'captcha-secret' },
      { leaveMessagePerMinuteGlobal: 1 },
    )
    expect((await leave(on, { ...left, captcha: 'good' }, '127.0.10.1')).statusCode).toBe(202)
    const asked = provider.asked.length
    const spent = await leave(on, { ...left, captcha: 'good' }, '127.0.10.2')
    expect(spent.statusCode).toBe(429)
    expect(provider.asked).toHaveLength(asked)
  })
})
