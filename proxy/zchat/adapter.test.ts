import { describe, expect, it } from 'vitest'
import {
  adaptTrigger,
  agentNameLength,
  agentTextLength,
  formatHistoryTime,
  isWebUrl,
  toCustomerUpdate,
  toMessageInput,
  toStartInput,
} from './adapter.ts'
import { trigger } from './schemas.ts'

const adapt = (body: unknown) => adaptTrigger(trigger.parse(body))

describe('adaptTrigger', () => {
  it('turns every documented state trigger into an event', () => {
    expect(adapt({ interaction_hash: 'h', state: 'queued', position: 2, extra: {} })).toEqual({
      conversationId: 'h',
      event: { type: 'queued', position: 2 },
    })
    expect(adapt({ interaction_hash: 'h', state: 'queued', extra: {} }).event).toEqual({
      type: 'queued',
      position: null,
    })
    expect(adapt({ interaction_hash: 'h', state: 'accepted', extra: {} }).event).toEqual({
      type: 'accepted',
    })
    expect(adapt({ interaction_hash: 'h', state: 'typing', extra: {} }).event).toEqual({
      type: 'typing',
    })
    expect(adapt({ interaction_hash: 'h', state: 'cleared', extra: {} }).event).toEqual({
      type: 'cleared',
    })
    expect(adapt({ interaction_hash: 'h', state: 'finished', extra: {} })).toMatchObject({
      event: { type: 'finished', by: 'agent' },
      dedupeKey: 'finished',
    })
    expect(adapt({ interaction_hash: 'h', state: 'unavailable', extra: {} })).toMatchObject({
      event: { type: 'unavailable' },
      dedupeKey: 'unavailable',
    })
  })

  it('cuts an agent’s text and name to their bounds, never through an emoji, rather than drop the message', () => {
    const message = (content: string, name: string) =>
      adapt({
        interaction_hash: 'h',
        message: { hash: 'long', content, type: 'text', url: null },
        agent: { id: 1, name },
        extra: {},
      }).event as { text: string; agentName?: string }
    const long = message('x'.repeat(60_000), 'N'.repeat(5000))
    expect(long.text).toHaveLength(agentTextLength)
    expect(long.text.endsWith('x…')).toBe(true)
    expect(long.agentName).toBe('N'.repeat(agentNameLength))
    // At the bounds exactly: as sent.
    const exact = message('y'.repeat(agentTextLength), 'M'.repeat(agentNameLength))
    expect(exact.text).toBe('y'.repeat(agentTextLength))
    expect(exact.agentName).toBe('M'.repeat(agentNameLength))
    // An emoji across the cut goes whole.
    const emoji = message(`${'z'.repeat(agentTextLength - 2)}😀😀`, `${'a'.repeat(99)}😀`)
    expect(emoji.text).toBe(`${'z'.repeat(agentTextLength - 2)}…`)
    expect(emoji.agentName).toBe('a'.repeat(99))
  })

  it('turns the documented agent message into a message keyed by its hash', () => {
    const adapted = adapt({
      interaction_hash: '322e458c-540c-4c11-ab5c-d38d39f57213',
      message: { hash: '3110a5da', content: 'Message', type: 'text', url: 'http://...' },
      agent: { id: 111, name: 'Atendente' },
      extra: {},
    })
    expect(adapted).toEqual({
      conversationId: '322e458c-540c-4c11-ab5c-d38d39f57213',
      event: {
        type: 'message',
        author: 'agent',
        messageId: '3110a5da',
        text: 'Message',
        agentName: 'Atendente',
      },
      dedupeKey: 'agent-message:3110a5da',
    })
  })

  it('reads odd but meaningful fields instead of dropping the trigger', () => {
    expect(
      adapt({ interaction_hash: 'h', state: 'QUEUED', position: '3', extra: [] }).event,
    ).toEqual({ type: 'queued', position: 3 })
    expect(adapt({ interaction_hash: 'h', state: ' Finished ', extra: null })).toMatchObject({
      event: { type: 'finished', by: 'agent' },
      dedupeKey: 'finished',
    })
    expect(adapt({ interaction_hash: 'h', state: 'Unavailable', extra: 'x' }).event).toEqual({
      type: 'unavailable',
    })
    // An unreadable position still queues the visitor.
    expect(adapt({ interaction_hash: 'h', state: 'queued', position: 'first' }).event).toEqual({
      type: 'queued',
      position: null,
    })
    expect(
      adapt({
        interaction_hash: 'h',
        message: { hash: 'm', content: 'look', type: 'IMAGE', url: 'https://cdn.example/a.png' },
        extra: [],
      }).event,
    ).toMatchObject({ media: { kind: 'image' } })
  })

  it('keeps web media URLs and drops any other scheme', () => {
    const media = (url: string | null) =>
      adapt({ interaction_hash: 'h', message: { hash: 'm', content: 'x', type: 'image', url } })
        .event
    expect(media('https://cdn.example/a.png')).toMatchObject({
      media: { kind: 'image', url: 'https://cdn.example/a.png' },
    })
    expect(media('javascript:alert(1)')).not.toHaveProperty('media')
    expect(media(null)).not.toHaveProperty('media')
    expect(isWebUrl('data:text/html,hi')).toBe(false)
  })
})

describe('toMessageInput', () => {
  it('sends text as it is, and a file as its kind and URL with the caption or its name', () => {
    expect(toMessageInput('Hello')).toEqual({ content: 'Hello', type: 'text' })
    const media = {
      kind: 'image',
      url: 'https://chat.example.com/media/x/a.png',
      name: 'a.png',
    } as const
    expect(toMessageInput('', media)).toEqual({ content: 'a.png', type: 'image', url: media.url })
    expect(toMessageInput('My receipt', media)).toEqual({
      content: 'My receipt',
      type: 'image',
      url: media.url,
    })
  })
})

describe('formatHistoryTime', () => {
  it("writes the document's zone-less format in the configured zone", () => {
    expect(formatHistoryTime('2026-12-01T21:04:05.123Z', 'UTC')).toBe('2026-12-01 21:04:05')
    expect(formatHistoryTime('2026-12-01T21:04:05.123Z', 'America/Sao_Paulo')).toBe(
      '2026-12-01 18:04:05',
    )
    expect(formatHistoryTime('2026-01-01T02:00:00.000Z', 'America/Sao_Paulo')).toBe(
      '2025-12-31 23:00:00',
    )
  })
})

describe('toStartInput', () => {
  const base = { department: 1, page: undefined, extra: undefined, externalHistory: undefined }

  it("names every field as zChat does, the chat's media type included", () => {
    const input = toStartInput({
      department: 2,
      visitor: { name: 'Ana' },
      page: { url: 'https://shop.example/p' },
      extra: { plan: 'gold' },
      externalHistory: 'https://chat.example/history/x',
    })
    expect(input).toEqual({
      department_id: 2,
      media_type: 'TEXT',
      customer: { name: 'Ana' },
      extra: {
        plan: 'gold',
        widget_channel: 'web',
        widget_identity_verified: false,
        widget_page_url: 'https://shop.example/p',
      },
      external_history: 'https://chat.example/history/x',
    })
  })

  it("sends the customer as zChat's examples show it: phone and CPF as digits", () => {
    const input = toStartInput({
      ...base,
      visitor: { name: 'Ana', phone: '+55 (11) 99141-7777', cpf: '529.982.247-25' },
    })
    expect(input.customer).toEqual({ name: 'Ana', phone: '11991417777', cpf: '52998224725' })
  })

  it('starts a conversation answered on the phone with its media type, at that phone', () => {
    const whatsapp = toStartInput({
      ...base,
      visitor: { name: 'Ana', phone: '(21) 98888-7777' },
      identity: { phone: '1133334444' },
      answeredOn: { channel: 'whatsapp', phone: '21988887777' },
    })
    expect(whatsapp).toMatchObject({
      media_type: 'WHATSAPP',
      customer: { name: 'Ana', phone: '21988887777' },
    })
    const sms = toStartInput({ ...base, answeredOn: { channel: 'sms', phone: '11991417777' } })
    expect(sms).toMatchObject({ media_type: 'SMS', customer: { phone: '11991417777' } })
  })

  it("lets the site's signed details win over what the visitor typed, field by field", () => {
    const input = toStartInput({
      ...base,
      visitor: { name: 'A', email: 'typed@example.com', phone: '11991417777' },
      identity: { name: 'Ana Souza', cpf: '52998224725', customerKey: 'crm-42' },
    })
    expect(input.customer).toEqual({
      name: 'Ana Souza',
      email: 'typed@example.com',
      phone: '11991417777',
      cpf: '52998224725',
    })
  })
})

describe('toCustomerUpdate', () => {
  it("joins the department's tags and the signed ones, once each, with the customer key", () => {
    expect(toCustomerUpdate({ customerKey: 'crm-42', tagIds: ['11', '30'] }, ['10', '11'])).toEqual(
      { customer_key: 'crm-42', tag_ids: ['10', '11', '30'] },
    )
    expect(toCustomerUpdate(undefined, ['10'])).toEqual({ tag_ids: ['10'] })
  })

  it('is nothing to send when there is nothing to set', () => {
    expect(toCustomerUpdate(undefined)).toBeNull()
    expect(toCustomerUpdate({ name: 'Ana' }, [])).toBeNull()
  })
})
