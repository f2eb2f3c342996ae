/**
 * A shared computer: the next person at it must not carry the last one's conversation into theirs.
 * A new chat names the browser's previous conversation (`previous`); zChat gets its history only
 * when both were started by the same signed customer, or both without a signed identity.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import { signIdentity } from '../identity.ts'
import { agent, type Harness, interaction, siteOrigin, startHarness } from '../testing/harness.ts'

const identitySecret = 'site-identity-secret-0123456789abcdef'

let h: Harness
beforeAll(async () => {
  h = await startHarness({ identitySecret })
})
afterAll(() => h.close())

type Visitor = { conversationId: string; credential: string }

/** What the site's server signs for its logged-in customer, fresh for each start. */
function signedAs(customerKey: string) {
  const iat = Math.floor(Date.now() / 1000)
  return signIdentity(identitySecret, {
    customerKey,
    iat,
    exp: iat + 300,
    aud: h.url,
    jti: randomUUID(),
  })
}

async function start(customerKey: string | null, previous?: Visitor): Promise<Visitor> {
  const response = await h.app.inject({
    method: 'POST',
    url: routes.start,
    payload: {
      department: 1,
      ...(customerKey !== null && { identity: signedAs(customerKey) }),
      ...(previous && {
        previous: { conversationId: previous.conversationId, credential: previous.credential },
      }),
    },
    headers: { origin: siteOrigin },
  })
  expect(response.statusCode, response.body).toBe(201)
  return response.json() as Visitor
}

/** A chat that said something and ended: what a browser keeps as its previous conversation. */
async function chatThatEnded(customerKey: string | null): Promise<Visitor> {
  const visitor = await start(customerKey)
  const sent = await h.app.inject({
    method: 'POST',
    url: routes.messages(visitor.conversationId),
    payload: { clientId: `c-${randomUUID()}`, text: `I am ${customerKey ?? 'nobody'}` },
    headers: { authorization: `Bearer ${visitor.credential}`, origin: siteOrigin },
  })
  expect(sent.statusCode).toBe(202)
  await agent(h.emulator, visitor.conversationId, 'accept')
  await agent(h.emulator, visitor.conversationId, 'finish')
  return visitor
}

type HistoryView = { externalHistory: { url?: string; messages?: unknown[] } | null }

async function historyOf(next: Visitor) {
  return ((await interaction(h.emulator, next.conversationId)) as unknown as HistoryView)
    .externalHistory
}

describe("a new chat and the browser's previous one", () => {
  it("gets none of another signed customer's history", async () => {
    const ana = await chatThatEnded('crm-ana')
    const bia = await start('crm-bia', ana)
    expect(await historyOf(bia)).toBeNull()
  })

  it("gets the same customer's history", async () => {
    const ana = await chatThatEnded('crm-ana')
    const again = await start('crm-ana', ana)
    await expect
      .poll(async () => (await historyOf(again))?.messages)
      .toMatchObject([{ direction: 'CLIENT', content: 'I am crm-ana' }])
  })

  it('gets none of a signed customer into an anonymous chat, nor the other way round', async () => {
    const ana = await chatThatEnded('crm-ana')
    expect(await historyOf(await start(null, ana))).toBeNull()
    const nobody = await chatThatEnded(null)
    expect(await historyOf(await start('crm-bia', nobody))).toBeNull()
  })

  it("gets an anonymous visitor's history into their next anonymous chat, as before", async () => {
    const nobody = await chatThatEnded(null)
    const next = await start(null, nobody)
    await expect
      .poll(async () => (await historyOf(next))?.messages)
      .toMatchObject([{ direction: 'CLIENT', content: 'I am nobody' }])
  })
})
