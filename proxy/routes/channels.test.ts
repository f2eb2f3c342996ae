/**
 * Where a conversation goes: the department the visitor chose (data-departments), which the proxy
 * still checks against ALLOWED_DEPARTMENTS, and where the agent answers (ALLOWED_CHANNELS): here in
 * the chat, or on the visitor's WhatsApp or by SMS, as zChat's media type with the phone.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes } from '../../protocol/wire.ts'
import { signIdentity } from '../identity.ts'
import { type Harness, interaction, siteOrigin, startHarness } from '../testing/harness.ts'

const identitySecret = 'site-identity-secret-0123456789abcdef'
/** What makes a signed identity good here, once: for this proxy, minutes long, with its own id. */
const claims = () => {
  const iat = Math.floor(Date.now() / 1000)
  return { iat, exp: iat + 300, aud: h.url, jti: randomUUID() }
}

let h: Harness
beforeAll(async () => {
  h = await startHarness({
    identitySecret,
    allowedDepartments: [1, 2],
    allowedChannels: ['web', 'whatsapp'],
    departmentTags: new Map([[2, ['20']]]),
  })
})
afterAll(() => h.close())

function start(body: object) {
  return h.app.inject({
    method: 'POST',
    url: routes.start,
    payload: body,
    headers: { origin: siteOrigin },
  })
}

async function interactionCount(): Promise<number> {
  const response = await fetch(`${h.emulator.url}/control/interactions`)
  return ((await response.json()) as unknown[]).length
}

describe('the department a visitor chose', () => {
  it("reaches zChat as department_id, with that department's tags", async () => {
    const response = await start({ department: 2, visitor: { name: 'Ana' } })
    expect(response.statusCode, response.body).toBe(201)
    const view = await interaction(h.emulator, response.json().conversationId)
    expect(view).toMatchObject({ departmentId: 2, mediaType: 'TEXT', tagIds: ['20'] })
  })

  it('is refused when the proxy does not allow it, and nothing reaches zChat', async () => {
    const before = await interactionCount()
    // Department 3 is active in the (emulated) account: only ALLOWED_DEPARTMENTS refuses it.
    const response = await start({ department: 3, visitor: { name: 'Ana' } })
    expect(response.statusCode).toBe(422)
    expect(response.json()).toMatchObject({
      code: 'UNPROCESSABLE',
      message: 'Department 3 is not available here',
    })
    expect(await interactionCount()).toBe(before)
  })
})

describe('answering on WhatsApp or by SMS', () => {
  it('starts the interaction with media_type WHATSAPP and the phone as digits, and says so', async () => {
    const response = await start({
      department: 1,
      channel: 'whatsapp',
      visitor: { name: 'Ana', phone: '+55 (11) 99141-7777' },
    })
    expect(response.statusCode, response.body).toBe(201)
    const reply = response.json()
    expect(reply.answeredOn).toEqual({ channel: 'whatsapp', phone: '11991417777' })
    const view = await interaction(h.emulator, reply.conversationId)
    expect(view).toMatchObject({
      departmentId: 1,
      mediaType: 'WHATSAPP',
      customer: { name: 'Ana', phone: '11991417777' },
    })
  })

  it('answers at the phone the visitor gave for it, over a signed identity’s phone', async () => {
    const identity = signIdentity(identitySecret, {
      customerKey: 'crm-7',
      name: 'Ana Souza',
      phone: '11 3333-4444',
      ...claims(),
    })
    const response = await start({
      department: 1,
      channel: 'whatsapp',
      visitor: { phone: '(21) 98888-7777' },
      identity,
    })
    expect(response.statusCode, response.body).toBe(201)
    const view = await interaction(h.emulator, response.json().conversationId)
    expect(view.customer).toEqual({ name: 'Ana Souza', phone: '21988887777' })
  })

  it('sends TEXT for the web chat, and no answeredOn', async () => {
    const response = await start({ department: 1, channel: 'web', visitor: { name: 'Ana' } })
    expect(response.statusCode, response.body).toBe(201)
    expect(response.json().answeredOn).toBeUndefined()
    const view = await interaction(h.emulator, response.json().conversationId)
    expect(view).toMatchObject({ mediaType: 'TEXT' })
  })

  it('refuses a channel the proxy has not enabled, naming it, and nothing reaches zChat', async () => {
    const before = await interactionCount()
    const response = await start({
      department: 1,
      channel: 'sms',
      visitor: { phone: '11991417777' },
    })
    expect(response.statusCode).toBe(422)
    expect(response.json()).toEqual({
      code: 'UNPROCESSABLE',
      message: 'Answering by sms is not enabled here',
      details: [
        { path: 'channel', message: 'Not one of this proxy’s channels (ALLOWED_CHANNELS)' },
      ],
    })
    expect(await interactionCount()).toBe(before)
  })

  it('requires a Brazilian phone with its area code, as the pre-chat form does', async () => {
    const before = await interactionCount()
    for (const visitor of [undefined, { name: 'Ana' }, { phone: '991417777' }, { phone: 'zap' }]) {
      const response = await start({
        department: 1,
        channel: 'whatsapp',
        ...(visitor && { visitor }),
      })
      expect(response.statusCode, JSON.stringify(visitor)).toBe(400)
      expect(response.json()).toMatchObject({
        code: 'VALIDATION_ERROR',
        details: [{ path: 'visitor.phone', message: expect.stringMatching(/phone/) }],
      })
    }
    expect(await interactionCount()).toBe(before)
  })

  it('refuses a channel it does not know', async () => {
    const response = await start({ department: 1, channel: 'telegram' })
    expect(response.statusCode).toBe(400)
    expect(response.json().details[0].path).toBe('channel')
  })
})
