import { describe, expect, it } from 'vitest'
import { decodeEvent } from './decode.ts'

const at = '2025-01-01T00:00:00.000Z'
const encode = (value: unknown) => JSON.stringify(value)

describe('decodeEvent', () => {
  it('decodes each event type', () => {
    expect(decodeEvent(encode({ id: 1, at, type: 'queued', position: 2 }))).toEqual({
      id: 1,
      at,
      type: 'queued',
      position: 2,
    })
    expect(decodeEvent(encode({ id: 1, at, type: 'queued', position: null }))).toEqual({
      id: 1,
      at,
      type: 'queued',
      position: null,
    })
    for (const type of ['accepted', 'unavailable', 'typing', 'cleared']) {
      expect(decodeEvent(encode({ id: 2, at, type }))).toEqual({ id: 2, at, type })
    }
    expect(decodeEvent(encode({ id: 3, at, type: 'finished', by: 'agent' }))).toEqual({
      id: 3,
      at,
      type: 'finished',
      by: 'agent',
    })
    expect(decodeEvent(encode({ id: 4, at, type: 'rated', mood: 'negative' }))).toEqual({
      id: 4,
      at,
      type: 'rated',
      mood: 'negative',
    })
  })

  it('decodes messages with their optional fields', () => {
    const message = {
      id: 5,
      at,
      type: 'message',
      author: 'agent',
      messageId: 'm',
      text: 'Look',
      agentName: 'Ana',
      media: { kind: 'image', url: 'https://x.test/a.png' },
      extra: true,
    }
    const { extra: _, ...expected } = message
    expect(decodeEvent(encode(message))).toEqual(expected)
    expect(
      decodeEvent(
        encode({
          id: 6,
          at,
          type: 'message',
          author: 'visitor',
          messageId: 'v',
          text: 'Hi',
          clientId: 'c-123456',
        }),
      ),
    ).toEqual({
      id: 6,
      at,
      type: 'message',
      author: 'visitor',
      messageId: 'v',
      text: 'Hi',
      clientId: 'c-123456',
    })
  })

  it("keeps a visitor file's name, type and size, and drops malformed ones", () => {
    const media = {
      kind: 'image',
      url: 'https://p.test/m/1',
      name: 'cat.png',
      type: 'image/png',
      size: 5,
    }
    const message = { id: 1, at, type: 'message', author: 'visitor', messageId: 'v', text: '' }
    expect(decodeEvent(encode({ ...message, media }))).toMatchObject({ media })
    const odd = decodeEvent(
      encode({ ...message, media: { ...media, name: 7, type: null, size: 0.5 } }),
    )
    expect(odd).toMatchObject({ media: { kind: 'image', url: media.url } })
    expect(odd?.type === 'message' && odd.media).toEqual({ kind: 'image', url: media.url })
  })

  it('drops media of an unknown kind but keeps the text', () => {
    const decoded = decodeEvent(
      encode({
        id: 1,
        at,
        type: 'message',
        author: 'agent',
        messageId: 'm',
        text: 't',
        media: { kind: 'html', url: 'x' },
      }),
    )
    expect(decoded).toEqual({
      id: 1,
      at,
      type: 'message',
      author: 'agent',
      messageId: 'm',
      text: 't',
    })
  })

  it('rejects malformed events', () => {
    for (const bad of [
      'not json',
      'null',
      '[]',
      encode({ at, type: 'accepted' }),
      encode({ id: '1', at, type: 'accepted' }),
      encode({ id: 1.5, at, type: 'accepted' }),
      encode({ id: 1, type: 'accepted' }),
      encode({ id: 1, at, type: 'exploded' }),
      encode({ id: 1, at, type: 'queued', position: 'first' }),
      encode({ id: 1, at, type: 'finished', by: 'nobody' }),
      encode({ id: 1, at, type: 'rated', mood: 'meh' }),
      encode({ id: 1, at, type: 'message', author: 'bot', messageId: 'm', text: 't' }),
      encode({ id: 1, at, type: 'message', author: 'agent', messageId: 'm', text: 3 }),
    ]) {
      expect(decodeEvent(bad)).toBeNull()
    }
  })
})
