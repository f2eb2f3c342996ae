import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Interaction } from './interactions.ts'
import {
  errorAnswer as errorResponse,
  messageAnswer,
  startAnswer as startResponse,
  statusAnswer,
} from './schemas.ts'
import { call, type Setup, setup, token } from './testing/support.ts'

let s: Setup
beforeAll(async () => {
  s = await setup({ departments: [1, 2] })
})
afterAll(() => s.close())
beforeEach(() => s.reset())

async function view(hash: string): Promise<Interaction> {
  const answer = await s.control('GET', `/interactions/${hash}`)
  expect(answer.status).toBe(200)
  return answer.json as Interaction
}

/** zChat's error shape, with the HTTP status repeated in the body. */
function expectError(answer: { status: number; json: unknown }, status: number, text?: RegExp) {
  expect(answer.status).toBe(status)
  expect(errorResponse.parse(answer.json)).toEqual({ message: expect.any(String), status })
  if (text) expect((answer.json as { message: string }).message).toMatch(text)
}

describe('POST /interactions', () => {
  it('creates a queued interaction and answers with its opaque hash', async () => {
    const answer = await s.api('POST', '/interactions', {
      token,
      department_id: 2,
      media_type: null,
      customer: { name: 'Ana', email: 'ana@example.com', phone: '11991417777', cpf: '12345678900' },
      extra: { clientId: 'c-1' },
    })
    expect(answer.status).toBe(200)
    const body = startResponse.parse(answer.json)
    expect(answer.json).toEqual({
      message: 'Interaction created successfully',
      data: { interaction_hash: body.data.interaction_hash },
    })
    expect(await view(body.data.interaction_hash)).toMatchObject({
      state: 'queued',
      position: 1,
      departmentId: 2,
      mediaType: 'TEXT',
      customer: { name: 'Ana', cpf: '12345678900' },
      extra: { clientId: 'c-1' },
      externalHistory: null,
      messages: [],
    })
  })

  it('gives every interaction its own hash and keeps the media type given', async () => {
    const first = await s.start({ media_type: 'WHATSAPP' })
    const second = await s.start()
    expect(first).not.toBe(second)
    expect((await view(first)).mediaType).toBe('WHATSAPP')
    expect((await view(second)).mediaType).toBe('TEXT')
  })

  it.each([
    ['no token', { department_id: 1 }, 401],
    ['a wrong token', { token: 'nope', department_id: 1 }, 401],
    ['no department', { token }, 422],
    ['a department as a string', { token, department_id: '1' }, 422],
    ['a fractional department', { token, department_id: 1.5 }, 422],
    ['an inactive department', { token, department_id: 3 }, 422],
    ['an unknown media type', { token, department_id: 1, media_type: 'EMAIL' }, 422],
    [
      'an external history that is not a URL',
      { token, department_id: 1, external_history: 'x' },
      422,
    ],
  ])('refuses %s', async (_case, body, status) => {
    expectError(await s.api('POST', '/interactions', body), status)
    expect((await s.control('GET', '/interactions')).json).toEqual([])
  })

  it('says which department is inactive', async () => {
    const answer = await s.api('POST', '/interactions', { token, department_id: 3 })
    expectError(answer, 422, /Department 3/)
  })

  it('answers 400 to malformed JSON, 413 to a huge body and 415 to a non-JSON one', async () => {
    expectError(await s.api('POST', '/interactions', '{"token": '), 400, /Malformed JSON/)
    const huge = { token, department_id: 1, extra: { blob: 'x'.repeat(1_100_000) } }
    expectError(await s.api('POST', '/interactions', huge), 413)
    const plain = await call(s.emulator.apiUrl, 'POST', '/interactions', 'token=x', {
      'content-type': 'text/plain',
    })
    expectError(plain, 415)
  })

  it('answers an unknown route in the same error shape', async () => {
    expectError(await s.api('GET', '/nothing-here'), 404)
  })
})

describe('PUT /interactions/:hash', () => {
  it('saves the rating, tags, customer key and note', async () => {
    const hash = await s.start()
    const body = {
      token,
      mood: 'POSITIVE',
      tag_ids: ['1', '999'],
      customer_key: 'k-1',
      note: 'Nice',
    }
    const answer = await s.api('PUT', `/interactions/${hash}`, body)
    expect(answer.status).toBe(200)
    expect(statusAnswer.parse(answer.json)).toEqual({
      message: 'Interaction updated successfully',
      status: 200,
    })
    expect(await view(hash)).toMatchObject({
      mood: 'POSITIVE',
      tagIds: ['1', '999'],
      customerKey: 'k-1',
      note: 'Nice',
    })
    await s.api('PUT', `/interactions/${hash}`, { token, mood: 'NEGATIVE' })
    expect(await view(hash)).toMatchObject({ mood: 'NEGATIVE', note: 'Nice' })
  })

  it('still accepts a rating after the interaction finished', async () => {
    const hash = await s.start()
    await s.api('PUT', `/interactions/${hash}/finish`, { token })
    const answer = await s.api('PUT', `/interactions/${hash}`, { token, mood: 'POSITIVE' })
    expect(answer.status).toBe(200)
    expect((await view(hash)).mood).toBe('POSITIVE')
  })

  it('refuses a bad mood, bad tags, an unknown hash, a wrong token and an unavailable interaction', async () => {
    const hash = await s.start()
    expectError(await s.api('PUT', `/interactions/${hash}`, { token, mood: 'MEH' }), 422, /mood/)
    expectError(await s.api('PUT', `/interactions/${hash}`, { token, tag_ids: [1] }), 422)
    expectError(await s.api('PUT', '/interactions/no-such-hash', { token, mood: 'POSITIVE' }), 404)
    expectError(await s.api('PUT', '/interactions/no-such-hash', { token: 'x' }), 401)
    await s.control('POST', `/interactions/${hash}/unavailable`)
    expectError(
      await s.api('PUT', `/interactions/${hash}`, { token, note: 'x' }),
      422,
      /unavailable/,
    )
    expect((await view(hash)).mood).toBeNull()
  })
})

describe('POST /interactions/:hash/messages', () => {
  it('saves the visitor message, text by default, and answers as documented', async () => {
    const hash = await s.start()
    await s.api('PUT', `/interactions/${hash}/typing`, { token })
    const answer = await s.api('POST', `/interactions/${hash}/messages`, {
      token,
      content: 'Hello',
      type: null,
    })
    expect(answer.status).toBe(200)
    expect(messageAnswer.parse(answer.json)).toEqual({
      data: { interaction_hash: hash },
      message: 'Message created successfully',
      status: 200,
    })
    await s.api('POST', `/interactions/${hash}/messages`, {
      token,
      content: 'tent.png',
      type: 'image',
      url: 'https://example.com/tent.png',
    })
    const { messages, visitorTyping } = await view(hash)
    expect(visitorTyping).toBe(false)
    expect(messages).toMatchObject([
      { direction: 'CLIENT', content: 'Hello', type: 'text', url: null },
      {
        direction: 'CLIENT',
        content: 'tent.png',
        type: 'image',
        url: 'https://example.com/tent.png',
      },
    ])
    expect(messages[0]?.hash).not.toBe(messages[1]?.hash)
  })

  it.each([
    ['no content', { token }, 422, /content/],
    ['blank content', { token, content: '   ' }, 422, /content/],
    ['an unknown type', { token, content: 'x', type: 'sticker' }, 422, /type/],
    ['a wrong token', { token: 'x', content: 'x' }, 401, /token/],
  ])('refuses %s', async (_case, body, status, text) => {
    const hash = await s.start()
    expectError(await s.api('POST', `/interactions/${hash}/messages`, body), status, text)
    expect((await view(hash)).messages).toEqual([])
  })

  it('takes a file without a url, as the document marks it optional', async () => {
    const hash = await s.start()
    const answer = await s.api('POST', `/interactions/${hash}/messages`, {
      token,
      content: 'invoice.pdf',
      type: 'file',
    })
    expect(answer.status).toBe(200)
    expect((await view(hash)).messages).toEqual([
      expect.objectContaining({ content: 'invoice.pdf', type: 'file', url: null }),
    ])
  })

  it('answers 404 to an unknown hash', async () => {
    const answer = await s.api('POST', '/interactions/0000a-000b/messages', { token, content: 'x' })
    expectError(answer, 404)
  })

  it('refuses a message once the interaction is finished or unavailable', async () => {
    const finished = await s.start()
    await s.api('PUT', `/interactions/${finished}/finish`, { token })
    const late = await s.api('POST', `/interactions/${finished}/messages`, { token, content: 'x' })
    expectError(late, 422, /finished/)
    const unavailable = await s.start()
    await s.control('POST', `/interactions/${unavailable}/unavailable`)
    const lost = await s.api('POST', `/interactions/${unavailable}/messages`, {
      token,
      content: 'x',
    })
    expectError(lost, 422, /unavailable/)
  })
})

describe('PUT /interactions/:hash/typing and /cleared', () => {
  it('shows the agent that the visitor is typing, then that they stopped', async () => {
    const hash = await s.start()
    const typing = await s.api('PUT', `/interactions/${hash}/typing`, { token })
    expect(typing.status).toBe(200)
    expect(statusAnswer.parse(typing.json).status).toBe(200)
    expect((await view(hash)).visitorTyping).toBe(true)
    const cleared = await s.api('PUT', `/interactions/${hash}/cleared`, { token })
    expect(statusAnswer.parse(cleared.json).status).toBe(200)
    expect((await view(hash)).visitorTyping).toBe(false)
  })

  it('refuses a wrong token, an unknown hash and a finished interaction', async () => {
    const hash = await s.start()
    for (const action of ['typing', 'cleared']) {
      expectError(await s.api('PUT', `/interactions/${hash}/${action}`, {}), 401)
      expectError(await s.api('PUT', `/interactions/nope/${action}`, { token }), 404)
    }
    await s.api('PUT', `/interactions/${hash}/finish`, { token })
    expectError(await s.api('PUT', `/interactions/${hash}/typing`, { token }), 422, /finished/)
    expectError(await s.api('PUT', `/interactions/${hash}/cleared`, { token }), 422, /finished/)
    expect((await view(hash)).visitorTyping).toBe(false)
  })
})

describe('PUT /interactions/:hash/finish', () => {
  it('finishes a queued or accepted interaction once', async () => {
    const queued = await s.start()
    const accepted = await s.start()
    await s.control('POST', `/interactions/${accepted}/accept`)
    for (const hash of [queued, accepted]) {
      const answer = await s.api('PUT', `/interactions/${hash}/finish`, { token })
      expect(statusAnswer.parse(answer.json)).toEqual({
        message: 'Interaction finished successfully',
        status: 200,
      })
      expect((await view(hash)).state).toBe('finished')
      expectError(await s.api('PUT', `/interactions/${hash}/finish`, { token }), 422, /finished/)
    }
  })

  it('refuses an unavailable interaction, an unknown hash and a missing token', async () => {
    const hash = await s.start()
    await s.control('POST', `/interactions/${hash}/unavailable`)
    expectError(await s.api('PUT', `/interactions/${hash}/finish`, { token }), 422, /unavailable/)
    expectError(await s.api('PUT', '/interactions/nope/finish', { token }), 404)
    expectError(await s.api('PUT', `/interactions/${hash}/finish`), 401)
  })
})
