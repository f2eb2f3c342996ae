/**
 * Rotating a secret without logging visitors out: an instance started with the new value and the
 * old one as `*_PREVIOUS` takes what the old instance signed (credentials, history links), signs
 * anew with the new value, and once the previous value is dropped, what it signed is refused.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../emulator/server.ts'
import { routes } from '../../protocol/wire.ts'
import type { Config } from '../env.ts'
import { signIdentity } from '../identity.ts'
import { type Running, startProxy } from '../server.ts'
import {
  interaction,
  siteOrigin,
  startConversation,
  testConfig,
  testToken,
} from '../testing/harness.ts'

const oldSecret = 'the-session-secret-before-rotation-0123'
const newSecret = 'the-session-secret-after-rotation-01234'

let emulator: Emulator
const running: Running[] = []
beforeAll(async () => {
  emulator = await startEmulator({ token: testToken })
})
afterAll(async () => {
  for (const proxy of running) await proxy.close()
  await emulator.close()
})

/** An instance of the deployment; its log lines go to `lines` when given. */
async function instance(overrides: Partial<Config>, lines?: string[]) {
  const proxy = await startProxy(
    testConfig({ zchatApiUrl: emulator.apiUrl, logLevel: 'info', ...overrides }),
    {
      widgetDir: '/nonexistent',
      publicUrlFromAddress: true,
      ...(lines
        ? { logDestination: { write: (line: string) => lines.push(line) } }
        : { logger: false }),
    },
  )
  running.push(proxy)
  return proxy
}

const send = (url: string, conversationId: string, credential: string, clientId: string) =>
  fetch(`${url}${routes.messages(conversationId)}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${credential}`,
      origin: siteOrigin,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ clientId, text: 'Still there?' }),
  })

/** The history URL zChat was given, on another instance of the same deployment. */
const historyOn = (url: string, given: string) => `${url}${new URL(given).pathname}`

describe('rotating SESSION_SECRET', () => {
  it('keeps visitors in and history links alive while the previous value is set, and only then', async () => {
    const before = await instance({ sessionSecret: oldSecret })
    const first = await startConversation(before.url)
    expect(
      (await send(before.url, first.conversationId, first.credential, 'rot-0000')).status,
    ).toBe(202)
    const again = await fetch(`${before.url}${routes.start}`, {
      method: 'POST',
      headers: { origin: siteOrigin, 'content-type': 'application/json' },
      body: JSON.stringify({
        department: 1,
        previous: { conversationId: first.conversationId, credential: first.credential },
      }),
    })
    const second = (await again.json()) as { conversationId: string; credential: string }
    const view = (await interaction(emulator, second.conversationId)) as unknown as {
      externalHistory: { url: string }
    }
    const history = view.externalHistory.url
    expect((await fetch(history)).status).toBe(200)

    const lines: string[] = []
    const rotated = await instance(
      { sessionSecret: newSecret, sessionSecretPrevious: oldSecret },
      lines,
    )
    expect(
      (await send(rotated.url, second.conversationId, second.credential, 'rot-0001')).status,
    ).toBe(202)
    expect((await fetch(historyOn(rotated.url, history))).status).toBe(200)
    const fresh = await startConversation(rotated.url)

    const dropped = await instance({ sessionSecret: newSecret })
    expect(
      (await send(dropped.url, second.conversationId, second.credential, 'rot-0002')).status,
    ).toBe(401)
    expect((await fetch(historyOn(dropped.url, history))).status).toBe(401)
    expect(
      (await send(dropped.url, fresh.conversationId, fresh.credential, 'rot-0003')).status,
    ).toBe(202)
    // Neither value, nor a credential or ticket either signed, reaches the log.
    await rotated.close()
    const log = lines.join('')
    expect(log).toContain('request completed')
    const ticket = new URL(history).pathname.split('/').pop()!
    for (const secret of [oldSecret, newSecret, second.credential, fresh.credential, ticket])
      expect(log).not.toContain(secret)
  })
})

describe('rotating IDENTITY_SECRET', () => {
  const before = 'the-identity-secret-before-rotation-0'
  const after = 'the-identity-secret-after-rotation-01'
  const startAs = (url: string, identity: ReturnType<typeof signIdentity>) =>
    fetch(`${url}${routes.start}`, {
      method: 'POST',
      headers: { origin: siteOrigin, 'content-type': 'application/json' },
      body: JSON.stringify({ department: 1, identity }),
    })

  it("takes identities the site's server signed with the previous value until it is dropped", async () => {
    const rotated = await instance({ identitySecret: after, identitySecretPrevious: before })
    const iat = Math.floor(Date.now() / 1000)
    // The proxy's PUBLIC_URL, learnt from the address it listens on.
    const aud = `http://localhost:${new URL(rotated.url).port}`
    const claims = () => ({ iat, exp: iat + 300, aud, jti: randomUUID() })
    const signedBefore = signIdentity(before, { customerKey: 'crm-7', ...claims() })
    const started = await startAs(rotated.url, signedBefore)
    expect(started.status).toBe(201)
    const { conversationId } = (await started.json()) as { conversationId: string }
    expect((await interaction(emulator, conversationId)).customerKey).toBe('crm-7')
    expect(
      (await startAs(rotated.url, signIdentity(after, { customerKey: 'crm-8', ...claims() })))
        .status,
    ).toBe(201)
    const dropped = await instance({ identitySecret: after })
    expect((await startAs(dropped.url, signedBefore)).status).toBe(401)
  })
})

describe('rotating ZCHAT_WEBHOOK_SECRET', () => {
  const oldPath = 'the-webhook-secret-before-0123'
  const newPath = 'the-webhook-secret-after-01234'
  const trigger = (url: string, secret: string, conversationId: string) =>
    fetch(`${url}/webhooks/zchat/${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ interaction_hash: conversationId, state: 'accepted', extra: {} }),
    })

  it('answers on the old path and the new one until the previous value is dropped, and logs neither', async () => {
    const lines: string[] = []
    const rotated = await instance(
      { webhookSecret: newPath, webhookSecretPrevious: oldPath },
      lines,
    )
    const { conversationId } = await startConversation(rotated.url)
    expect((await trigger(rotated.url, oldPath, conversationId)).status).toBe(200)
    expect((await trigger(rotated.url, oldPath, conversationId)).status).toBe(200)
    expect((await trigger(rotated.url, newPath, conversationId)).status).toBe(200)
    expect((await trigger(rotated.url, `${oldPath}x`, conversationId)).status).toBe(404)
    const dropped = await instance({ webhookSecret: newPath })
    expect((await trigger(dropped.url, oldPath, conversationId)).status).toBe(404)
    expect((await trigger(dropped.url, newPath, conversationId)).status).toBe(200)
    await rotated.close()
    const log = lines.join('')
    // The operator hears that zChat still calls the old path, once a minute at most.
    expect(log.match(/called the webhook with ZCHAT_WEBHOOK_SECRET_PREVIOUS/g)).toHaveLength(1)
    expect(log).toContain('/webhooks/zchat/***')
    expect(log).not.toContain(oldPath)
    expect(log).not.toContain(newPath)
  })
})
