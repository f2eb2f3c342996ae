/**
 * What zChat learns about the visitor, checked in the emulator's record: the customer at start,
 * the site's signed identity (customer key, tags) and the department's tags in the update right
 * after, and the rating's comment as the note.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import { signIdentity } from '../identity.ts'
import { type Harness, interaction, siteOrigin, startHarness } from '../testing/harness.ts'

const identitySecret = 'site-identity-secret-0123456789abcdef'

/** What the site's server signs for one page view: fresh claims for this proxy, and `data`. */
function signed(data: object, on: Harness = h) {
  const iat = Math.floor(Date.now() / 1000)
  return signIdentity(identitySecret, {
    iat,
    exp: iat + 300,
    aud: on.url,
    jti: randomUUID(),
    ...data,
  })
}

let h: Harness
let unconfigured: Harness
beforeAll(async () => {
  ;[h, unconfigured] = await Promise.all([
    startHarness({
      identitySecret,
      departmentTags: new Map([
        [1, ['10', '11']],
        [3, ['30']],
      ]),
    }),
    startHarness(),
  ])
})
afterAll(() => Promise.all([h.close(), unconfigured.close()]))

function start(body: object, on: Harness = h) {
  return on.app.inject({
    method: 'POST',
    url: routes.start,
    payload: body,
    headers: { origin: siteOrigin },
  })
}

async function interactionCount(on: Harness = h): Promise<number> {
  const response = await fetch(`${on.emulator.url}/control/interactions`)
  return ((await response.json()) as unknown[]).length
}

describe('the customer zChat sees', () => {
  it('gets the CPF as digits only', async () => {
    const response = await start({
      department: 2,
      visitor: { name: 'Ana', email: 'ana@example.com', cpf: '529.982.247-25' },
    })
    expect(response.statusCode, response.body).toBe(201)
    const view = await interaction(h.emulator, response.json().conversationId)
    expect(view.customer).toEqual({ name: 'Ana', email: 'ana@example.com', cpf: '52998224725' })
    // Department 2 has no tags and there is no identity: no update call, nothing set.
    expect(view).toMatchObject({ tagIds: [], customerKey: null })
    // The agent is told that nobody vouched for these details.
    expect(view.extra).toMatchObject({ widget_identity_verified: false })
    expect(view.extra).not.toHaveProperty('widget_verified_fields')
  })

  it('refuses an invalid CPF with 400, naming the field, and creates no interaction', async () => {
    const before = await interactionCount()
    for (const cpf of ['111.111.111-11', '123.456.789-00', '529.982.247', 'abc']) {
      const response = await start({ department: 2, visitor: { cpf } })
      expect(response.statusCode, cpf).toBe(400)
      expect(response.json()).toMatchObject({
        code: 'VALIDATION_ERROR',
        details: [{ path: 'visitor.cpf', message: expect.stringMatching(/CPF/) }],
      })
    }
    expect(await interactionCount()).toBe(before)
  })
})

describe("the site's signed identity", () => {
  it("sets the customer key and tags through the update, and its details win over the visitor's", async () => {
    const identity = signed({
      customerKey: 'crm-42',
      tagIds: ['11', '99'],
      name: 'Ana Souza',
      cpf: '529.982.247-25',
    })
    const response = await start({
      department: 1,
      visitor: { name: 'Visitor typed this', email: 'ana@example.com' },
      identity,
    })
    expect(response.statusCode, response.body).toBe(201)
    const view = await interaction(h.emulator, response.json().conversationId)
    expect(view.customer).toEqual({
      name: 'Ana Souza',
      email: 'ana@example.com',
      cpf: '52998224725',
    })
    expect(view.customerKey).toBe('crm-42')
    // The department's tags (DEPARTMENT_TAGS 1:10|11) and the signed ones, once each.
    expect(view.tagIds).toEqual(['10', '11', '99'])
    // The agent is told the site vouched for the visitor, and for which details: the email was typed.
    expect(view.extra).toMatchObject({
      widget_identity_verified: true,
      widget_verified_fields: 'name,cpf',
    })
  })

  it("gives a department's tags to every new interaction there", async () => {
    const response = await start({ department: 3 })
    expect(response.statusCode).toBe(201)
    const view = await interaction(h.emulator, response.json().conversationId)
    expect(view).toMatchObject({ tagIds: ['30'], customerKey: null })
  })

  it('refuses an unsigned, forged or expired identity with 401 and creates no interaction', async () => {
    const before = await interactionCount()
    const { payload } = signed({ customerKey: 'crm-1' })
    const forged = signIdentity('guessed-secret-0123456789abcdefghijk', {
      ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
    })
    const past = Math.floor(Date.now() / 1000) - 600
    const expired = signed({ customerKey: 'crm-1', iat: past, exp: past + 300 })
    const tooLong = signed({ customerKey: 'crm-1', exp: Math.floor(Date.now() / 1000) + 3600 })
    const elsewhere = signed({ customerKey: 'crm-1', aud: 'https://chat.other.example' })
    for (const identity of [{ payload }, forged, expired, tooLong, elsewhere]) {
      const response = await start({ department: 1, identity })
      expect(response.statusCode).toBe(401)
      expect(response.json()).toMatchObject({
        code: 'AUTHENTICATION_ERROR',
        message: expect.stringMatching(/^Identity /),
      })
    }
    expect(await interactionCount()).toBe(before)
  })

  it('starts one conversation: a copy of it, sent again, is refused with 401', async () => {
    const identity = signed({ customerKey: 'crm-7' })
    const first = await start({ department: 2, identity })
    expect(first.statusCode, first.body).toBe(201)
    const before = await interactionCount()
    const copy = await start({ department: 2, identity })
    expect(copy.statusCode).toBe(401)
    expect(copy.json()).toEqual({
      code: 'AUTHENTICATION_ERROR',
      message:
        'Identity was used before (its jti started a conversation): sign a new one for each conversation; see docs/identity.md',
    })
    expect(await interactionCount()).toBe(before)
    // The same customer, signed anew: a new id, a new conversation.
    const again = await start({ department: 2, identity: signed({ customerKey: 'crm-7' }) })
    expect(again.statusCode).toBe(201)
  })

  it('is still good for a retry when zChat did not make the interaction', async () => {
    const identity = signed({ customerKey: 'crm-8' })
    await fetch(`${h.emulator.url}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: { status: 500, count: 1 } }),
    })
    const failed = await start({ department: 2, identity })
    expect(failed.statusCode).toBe(502)
    const retried = await start({ department: 2, identity })
    expect(retried.statusCode, retried.body).toBe(201)
    expect((await interaction(h.emulator, retried.json().conversationId)).customerKey).toBe('crm-8')
  })

  it('tells a site that still signs the first format (exp alone) what to add', async () => {
    const old = signIdentity(identitySecret, {
      customerKey: 'crm-1',
      exp: Math.floor(Date.now() / 1000) + 3600,
    })
    const response = await start({ department: 1, identity: old })
    expect(response.statusCode).toBe(401)
    expect(response.json().message).toMatch(
      new RegExp(
        `^Identity payload lacks iat, aud, jti: .*aud \\("${h.url}", this chat's PUBLIC_URL\\).*see docs/identity.md$`,
      ),
    )
  })

  it('is refused with 422 where no IDENTITY_SECRET is configured', async () => {
    const identity = signed({ customerKey: 'crm-1' }, unconfigured)
    const response = await start({ department: 1, identity }, unconfigured)
    expect(response.statusCode).toBe(422)
    expect(response.json()).toMatchObject({
      code: 'UNPROCESSABLE',
      message: expect.stringMatching(/identity verification is not configured/i),
    })
    expect(await interactionCount(unconfigured)).toBe(0)
  })
})

describe("the rating's comment", () => {
  it('reaches zChat as the note, trimmed, with the mood', async () => {
    const started = await start({ department: 2 })
    const { conversationId, credential } = started.json()
    const headers = { authorization: `Bearer ${credential}`, origin: siteOrigin }
    await h.app.inject({ method: 'PUT', url: routes.finish(conversationId), headers })
    expect((await interaction(h.emulator, conversationId)).note).toBeNull()
    const rated = await h.app.inject({
      method: 'PUT',
      url: routes.rating(conversationId),
      payload: { mood: 'negative', comment: '  Took a while, but Bruna solved it. Obrigada!  ' },
      headers,
    })
    expect(rated.statusCode).toBe(204)
    expect(await interaction(h.emulator, conversationId)).toMatchObject({
      mood: 'NEGATIVE',
      note: 'Took a while, but Bruna solved it. Obrigada!',
    })
  })
})
