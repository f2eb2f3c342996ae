import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type LoggedEvent,
  routes,
  type UploadReply,
  type WidgetConfig,
} from '../../protocol/wire.ts'
import { defaultUploadTypes } from '../media/types.ts'
import {
  fileForm,
  formBody,
  type Harness,
  interaction,
  readEvents,
  sampleMp3,
  samplePdf,
  samplePng,
  sampleWebm,
  siteOrigin,
  startConversation,
  startHarness,
} from '../testing/harness.ts'

const maxBytes = 64 * 1024

let h: Harness
beforeAll(async () => {
  h = await startHarness({ limits: { uploadMaxBytes: maxBytes, uploadsPerMinute: 10_000 } })
})
afterAll(() => h.close())

type Visitor = Awaited<ReturnType<typeof startConversation>>

async function upload(visitor: Visitor, form: FormData, conversationId = visitor.conversationId) {
  const { payload, headers } = await formBody(form)
  return h.app.inject({
    method: 'POST',
    url: routes.uploads(conversationId),
    payload,
    headers: { ...visitor.headers, ...headers },
  })
}

async function uploaded(visitor: Visitor, form: FormData): Promise<UploadReply> {
  const response = await upload(visitor, form)
  expect(response.statusCode, response.body).toBe(201)
  return response.json()
}

function send(visitor: Visitor, body: object) {
  return h.app.inject({
    method: 'POST',
    url: routes.messages(visitor.conversationId),
    payload: body,
    headers: visitor.headers,
  })
}

/** What MEDIA_DIR holds: every file the store wrote and did not remove. */
const stored = () => readdirSync(h.mediaDir)

async function metric(line: string) {
  const { body } = await h.metrics.render()
  return body.split('\n').find((l) => l.startsWith(line))
}

describe('GET /v1/config', () => {
  it('tells the widget what it may upload', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: routes.config,
      headers: { origin: siteOrigin },
    })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      uploads: { maxBytes, types: [...defaultUploadTypes] },
      leaveMessage: false,
      transcriptByEmail: false,
    } satisfies WidgetConfig)
    expect(defaultUploadTypes).not.toContain('image/svg+xml')
    expect(defaultUploadTypes).not.toContain('text/html')
  })

  it('says uploads are off when UPLOAD_MAX_BYTES is 0, and takes none', async () => {
    const off = await startHarness({ limits: { uploadMaxBytes: 0 } })
    try {
      const config = await off.app.inject({ method: 'GET', url: routes.config })
      expect(config.json()).toEqual({
        uploads: null,
        leaveMessage: false,
        transcriptByEmail: false,
      })
      const visitor = await startConversation(off.url)
      const { payload, headers } = await formBody(fileForm(samplePng(), 'a.png'))
      const response = await off.app.inject({
        method: 'POST',
        url: routes.uploads(visitor.conversationId),
        payload,
        headers: { ...visitor.headers, ...headers },
      })
      expect(response.statusCode).toBe(404)
      expect(readdirSync(off.mediaDir)).toEqual([])
    } finally {
      await off.close()
    }
  })
})

describe('a visitor sends a file', () => {
  it('reaches the agent as an image whose URL serves the very bytes, typed and not sniffable', async () => {
    const visitor = await startConversation(h.url)
    const png = samplePng()
    const reply = await uploaded(visitor, fileForm(png, 'Foto da nota.png', 'image/png'))
    expect(reply).toEqual({
      uploadId: expect.stringMatching(/^[\w-]{24}$/),
      kind: 'image',
      url: `${h.url}/media/${reply.uploadId}/Foto%20da%20nota.png`,
      name: 'Foto da nota.png',
      type: 'image/png',
      size: png.length,
    })

    // Nobody has sent it yet: its URL serves nothing.
    expect((await fetch(reply.url)).status).toBe(404)

    const sent = await send(visitor, { clientId: 'photo-0001', upload: reply.uploadId })
    expect(sent.statusCode, sent.body).toBe(202)
    const [message] = (await interaction(h.emulator, visitor.conversationId)).messages
    expect(message).toMatchObject({
      direction: 'CLIENT',
      content: 'Foto da nota.png',
      type: 'image',
      url: reply.url,
    })

    // What the agent's browser gets, over the network, with no credential.
    const file = await fetch(message!.url!)
    expect(file.status).toBe(200)
    expect(Buffer.from(await file.arrayBuffer())).toEqual(png)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(file.headers.get('content-disposition')).toMatch(
      /^inline; .*filename\*=UTF-8''Foto%20da%20nota\.png$/,
    )

    const { events } = await readEvents(
      `${h.url}${routes.events(visitor.conversationId)}`,
      visitor.headers,
      (e) => e.some((x) => x.type === 'message'),
    )
    expect(events.find((e) => e.type === 'message')).toMatchObject({
      author: 'visitor',
      text: '',
      clientId: 'photo-0001',
      media: {
        kind: 'image',
        url: reply.url,
        name: 'Foto da nota.png',
        type: 'image/png',
        size: png.length,
      },
    } satisfies Partial<LoggedEvent>)
  })

  it('sends a caption as the content, and a PDF, a voice note and text as the kinds zChat knows', async () => {
    const visitor = await startConversation(h.url)
    const pdf = await uploaded(visitor, fileForm(samplePdf(), 'nota fiscal.pdf', 'application/pdf'))
    // MediaRecorder's WebM: the container says video, the browser says audio; audio it is.
    const voice = await uploaded(visitor, fileForm(sampleWebm(), 'voice.webm', 'audio/webm'))
    const mp3 = await uploaded(visitor, fileForm(sampleMp3(), 'song.mp3', 'audio/mpeg'))
    const text = await uploaded(
      visitor,
      fileForm(Buffer.from('Pedido 123\nEndereço novo\n'), 'pedido.html'),
    )
    expect([pdf, voice, mp3, text].map(({ kind, type, name }) => ({ kind, type, name }))).toEqual([
      { kind: 'file', type: 'application/pdf', name: 'nota fiscal.pdf' },
      { kind: 'audio', type: 'audio/webm', name: 'voice.webm' },
      { kind: 'audio', type: 'audio/mpeg', name: 'song.mp3' },
      // Its name said HTML: it is served as what it is, and downloads as such.
      { kind: 'file', type: 'text/plain', name: 'pedido.html.txt' },
    ])
    let n = 0
    for (const [file, caption] of [
      [pdf, 'Segue a nota'],
      [voice, ''],
      [mp3, ''],
      [text, 'O pedido'],
    ] as const) {
      const sent = await send(visitor, {
        clientId: `kinds-000${n++}`,
        upload: file.uploadId,
        text: caption,
      })
      expect(sent.statusCode, sent.body).toBe(202)
    }
    expect((await interaction(h.emulator, visitor.conversationId)).messages).toMatchObject([
      { direction: 'CLIENT', content: 'Segue a nota', type: 'file', url: pdf.url },
      { direction: 'CLIENT', content: 'voice.webm', type: 'audio', url: voice.url },
      { direction: 'CLIENT', content: 'song.mp3', type: 'audio', url: mp3.url },
      { direction: 'CLIENT', content: 'O pedido', type: 'file', url: text.url },
    ])
    const served = await fetch(text.url)
    expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; /)
    expect(await served.text()).toBe('Pedido 123\nEndereço novo\n')
    // Chrome and Safari show no PDF under a sandbox: it is downloaded instead.
    expect((await fetch(pdf.url)).headers.get('content-disposition')).toMatch(/^attachment; /)
  })

  it('sends a retried file message to zChat once', async () => {
    const visitor = await startConversation(h.url)
    const file = await uploaded(visitor, fileForm(samplePng(), 'once.png'))
    const body = { clientId: 'file-retry-1', upload: file.uploadId, text: 'Once' }
    const [a, b] = await Promise.all([send(visitor, body), send(visitor, body)])
    const c = await send(visitor, body)
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([202, 202, 202])
    expect(new Set([a.json().eventId, b.json().eventId, c.json().eventId]).size).toBe(1)
    expect((await interaction(h.emulator, visitor.conversationId)).messages).toHaveLength(1)
  })

  it("refuses another conversation's upload, and sends nothing", async () => {
    const owner = await startConversation(h.url)
    const other = await startConversation(h.url)
    const file = await uploaded(owner, fileForm(samplePng(), 'mine.png'))
    const sent = await send(other, { clientId: 'not-mine-01', upload: file.uploadId })
    expect(sent.statusCode).toBe(422)
    expect(sent.json()).toMatchObject({ code: 'UNPROCESSABLE', details: [{ path: 'upload' }] })
    const unknown = await send(other, { clientId: 'not-mine-02', upload: 'A'.repeat(24) })
    expect(unknown.statusCode).toBe(422)
    expect((await interaction(h.emulator, other.conversationId)).messages).toEqual([])
  })
})

describe('uploads refused', () => {
  it('refuses an HTML page named .png, and an archive, and keeps nothing', async () => {
    const visitor = await startConversation(h.url)
    const before = stored()
    const page = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.domain)</script>')
    for (const [bytes, name, type] of [
      [page, 'cat.png', 'image/png'],
      [
        Buffer.from('\n\n  <svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        'cat.txt',
        'text/plain',
      ],
      [Buffer.from('504b0304140000000800', 'hex'), 'cat.jpg', 'image/jpeg'],
    ] as const) {
      const response = await upload(visitor, fileForm(bytes, name, type))
      expect(response.statusCode, name).toBe(415)
      expect(response.json()).toMatchObject({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.any(String),
      })
    }
    expect(stored()).toEqual(before)
    expect(await metric('zchat_proxy_uploads_total{outcome="unsupported"}')).toMatch(/ 3$/)
  })

  it('refuses a file over UPLOAD_MAX_BYTES with 413 and leaves nothing on disk', async () => {
    const visitor = await startConversation(h.url)
    const before = stored()
    // Announced too large: refused before a byte is read.
    const huge = await upload(visitor, fileForm(Buffer.alloc(maxBytes * 4, 'a'), 'huge.txt'))
    expect(huge.statusCode).toBe(413)
    expect(huge.json()).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The file is larger than 64 KiB',
    })
    // Just over: refused while streaming, its partial copy deleted.
    const over = Buffer.concat([samplePng(), Buffer.alloc(maxBytes)])
    const streamed = await upload(visitor, fileForm(over, 'over.png'))
    expect(streamed.statusCode).toBe(413)
    expect(stored()).toEqual(before)
    // Exactly the limit is fine.
    const exact = Buffer.concat([samplePng(), Buffer.alloc(maxBytes - samplePng().length)])
    expect((await upload(visitor, fileForm(exact, 'exact.png'))).statusCode).toBe(201)
  })

  it('keeps other visitors out: 401 without a credential, 403 with another conversation’s', async () => {
    const owner = await startConversation(h.url)
    const intruder = await startConversation(h.url)
    const before = stored()
    const { payload, headers } = await formBody(fileForm(samplePng(), 'x.png'))
    const none = await h.app.inject({
      method: 'POST',
      url: routes.uploads(owner.conversationId),
      payload,
      headers: { ...headers, origin: siteOrigin },
    })
    expect(none.statusCode).toBe(401)
    const other = await upload(intruder, fileForm(samplePng(), 'x.png'), owner.conversationId)
    expect(other.statusCode).toBe(403)
    expect(stored()).toEqual(before)
  })

  it('answers 409 once the conversation has ended', async () => {
    const visitor = await startConversation(h.url)
    await h.app.inject({
      method: 'PUT',
      url: routes.finish(visitor.conversationId),
      headers: visitor.headers,
    })
    const response = await upload(visitor, fileForm(samplePng(), 'late.png'))
    expect(response.statusCode).toBe(409)
    expect(response.json()).toMatchObject({ code: 'CONFLICT' })
  })

  it('answers a body that is not one well-formed file part with a clear 400', async () => {
    const visitor = await startConversation(h.url)
    const before = stored()
    const inject = (payload: string | Buffer, contentType: string) =>
      h.app.inject({
        method: 'POST',
        url: routes.uploads(visitor.conversationId),
        payload,
        headers: { ...visitor.headers, 'content-type': contentType },
      })
    const twoFiles = fileForm(samplePng(), 'one.png')
    twoFiles.append('file', new Blob([samplePng()]), 'two.png')
    const fieldOnly = new FormData()
    fieldOnly.append('file', 'not a file')
    const wrongName = new FormData()
    wrongName.append('attachment', new Blob([samplePng()]), 'a.png')
    const empty = fileForm(Buffer.alloc(0), 'empty.txt')
    for (const [what, form] of [
      ['two files', twoFiles],
      ['a field, no file', fieldOnly],
      ['a file not named file', wrongName],
      ['an empty file', empty],
    ] as const) {
      const response = await upload(visitor, form)
      expect(response.statusCode, what).toBe(400)
      expect(response.json(), what).toMatchObject({
        code: 'VALIDATION_ERROR',
        message: expect.any(String),
      })
    }
    const boundary = 'XyZ123'
    const cut = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG`
    for (const [what, response] of [
      ['cut short', await inject(cut, `multipart/form-data; boundary=${boundary}`)],
      ['no boundary', await inject('--x\r\n\r\n', 'multipart/form-data')],
      ['garbage', await inject('hello there', `multipart/form-data; boundary=${boundary}`)],
    ] as const) {
      expect(response.statusCode, what).toBe(400)
      expect(response.json(), what).toMatchObject({ code: 'VALIDATION_ERROR' })
    }
    const json = await h.app.inject({
      method: 'POST',
      url: routes.uploads(visitor.conversationId),
      payload: { file: 'x' },
      headers: visitor.headers,
    })
    expect(json.statusCode).toBe(415)
    expect(json.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' })
    expect(stored()).toEqual(before)
  })

  it('keeps the other routes JSON-only', async () => {
    const visitor = await startConversation(h.url)
    const { payload, headers } = await formBody(fileForm(samplePng(), 'a.png'))
    const response = await h.app.inject({
      method: 'POST',
      url: routes.messages(visitor.conversationId),
      payload,
      headers: { ...visitor.headers, ...headers },
    })
    expect(response.statusCode).toBe(415)
  })
})

describe('bounds on what visitors may store', () => {
  it('refuses more files than UPLOADS_PER_CONVERSATION, and any once MEDIA_QUOTA_BYTES is full', async () => {
    const bounded = await startHarness({
      limits: {
        uploadsPerConversation: 2,
        mediaQuotaBytes: 700 * 1024,
        uploadMaxBytes: 400 * 1024,
      },
    })
    try {
      const upload = async (
        conversationId: string,
        headers: Record<string, string>,
        bytes: Buffer,
      ) => {
        const form = await formBody(fileForm(bytes, 'a.pdf'))
        return bounded.app.inject({
          method: 'POST',
          url: routes.uploads(conversationId),
          payload: form.payload,
          headers: { ...headers, ...form.headers },
        })
      }
      const first = await startConversation(bounded.url)
      const pdf = samplePdf()
      expect((await upload(first.conversationId, first.headers, pdf)).statusCode).toBe(201)
      expect((await upload(first.conversationId, first.headers, pdf)).statusCode).toBe(201)
      const third = await upload(first.conversationId, first.headers, pdf)
      expect(third.statusCode).toBe(429)
      expect(third.json().message).toMatch(/most it may/)
      // Room for one more file of the largest size, and no more.
      const big = Buffer.concat([pdf, Buffer.alloc(350 * 1024, 32)])
      const second = await startConversation(bounded.url)
      expect((await upload(second.conversationId, second.headers, big)).statusCode).toBe(201)
      const full = await upload(second.conversationId, second.headers, pdf)
      expect(full.statusCode).toBe(503)
      expect(full.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' })
    } finally {
      await bounded.close()
    }
  })

  it('holds MEDIA_QUOTA_BYTES against uploads that arrive at once', async () => {
    const bounded = await startHarness({
      limits: { mediaQuotaBytes: 3 * 1024 * 1024 + 512 * 1024, uploadMaxBytes: 1024 * 1024 },
    })
    try {
      const visitor = await startConversation(bounded.url)
      const file = Buffer.concat([samplePdf(), Buffer.alloc(1000 * 1024, 32)])
      const form = await formBody(fileForm(file, 'a.pdf'))
      const statuses = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const response = await fetch(`${bounded.url}${routes.uploads(visitor.conversationId)}`, {
            method: 'POST',
            headers: { ...visitor.headers, ...form.headers },
            body: form.payload,
          })
          return response.status
        }),
      )
      // Room for three files of the largest size, however many ask at once.
      expect(statuses.filter((s) => s === 201)).toHaveLength(3)
      expect(statuses.filter((s) => s === 503)).toHaveLength(5)
      expect(readdirSync(bounded.mediaDir).filter((name) => !name.includes('.'))).toHaveLength(3)
    } finally {
      await bounded.close()
    }
  })

  it('refuses a conversation past MEDIA_QUOTA_PER_CONVERSATION_BYTES, and an address past MEDIA_QUOTA_PER_IP_BYTES', async () => {
    const bounded = await startHarness({
      limits: {
        uploadMaxBytes: 200 * 1024,
        mediaQuotaPerConversationBytes: 250 * 1024,
        mediaQuotaPerIpBytes: 400 * 1024,
      },
    })
    try {
      const file = Buffer.concat([samplePdf(), Buffer.alloc(100 * 1024, 32)])
      const upload = async (visitor: Visitor, bytes: Buffer, from = '192.0.2.1') => {
        const form = await formBody(fileForm(bytes, 'a.pdf'))
        return bounded.app.inject({
          method: 'POST',
          url: routes.uploads(visitor.conversationId),
          payload: form.payload,
          headers: { ...visitor.headers, ...form.headers },
          remoteAddress: from,
        })
      }
      const first = await startConversation(bounded.url)
      expect((await upload(first, file)).statusCode).toBe(201)
      expect((await upload(first, file)).statusCode).toBe(201)
      const third = await upload(first, file)
      expect(third.statusCode).toBe(429)
      expect(third.json()).toMatchObject({
        code: 'RATE_LIMITED',
        message:
          'This conversation has sent 250 KiB of files, the most it may; please write instead',
      })
      // A refused file (its type) takes nothing: what it asked for is given back.
      const page = Buffer.from('<!doctype html><script>alert(1)</script>')
      const second = await startConversation(bounded.url)
      expect((await upload(second, page)).statusCode).toBe(415)
      expect((await upload(second, file)).statusCode).toBe(201)
      // The address has sent 300 KiB over two conversations: a third one has room for none more.
      const fromSameAddress = await startConversation(bounded.url)
      const refused = await upload(fromSameAddress, file)
      expect(refused.statusCode).toBe(429)
      expect(refused.json()).toMatchObject({
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/^This network has sent 400 KiB of files/),
      })
      expect((await upload(fromSameAddress, file, '192.0.2.2')).statusCode).toBe(201)
    } finally {
      await bounded.close()
    }
  })

  it('holds an IPv6 client to MEDIA_QUOTA_PER_IP_BYTES by its /64, whichever address of it uploads', async () => {
    const bounded = await startHarness({
      limits: { uploadMaxBytes: 200 * 1024, mediaQuotaPerIpBytes: 250 * 1024 },
    })
    try {
      const file = Buffer.concat([samplePdf(), Buffer.alloc(100 * 1024, 32)])
      const upload = async (from: string) => {
        const visitor = await startConversation(bounded.url)
        const form = await formBody(fileForm(file, 'a.pdf'))
        return bounded.app.inject({
          method: 'POST',
          url: routes.uploads(visitor.conversationId),
          payload: form.payload,
          headers: { ...visitor.headers, ...form.headers },
          remoteAddress: from,
        })
      }
      expect((await upload('2001:db8:4:1::1')).statusCode).toBe(201)
      expect((await upload('2001:db8:4:1::2')).statusCode).toBe(201)
      // A third address of the same /64, in a new conversation: the prefix has no room left.
      const refused = await upload('2001:db8:4:1:abcd::3')
      expect(refused.statusCode).toBe(429)
      expect(refused.json()).toMatchObject({
        message: expect.stringMatching(/^This network has sent 250 KiB of files/),
      })
      expect((await upload('2001:db8:4:2::1')).statusCode).toBe(201)
    } finally {
      await bounded.close()
    }
  })

  it('holds UPLOADS_PER_CONVERSATION against uploads that arrive at once', async () => {
    const bounded = await startHarness({ limits: { uploadsPerConversation: 3 } })
    try {
      const visitor = await startConversation(bounded.url)
      const form = await formBody(fileForm(samplePdf(), 'a.pdf'))
      const statuses = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const response = await bounded.app.inject({
            method: 'POST',
            url: routes.uploads(visitor.conversationId),
            payload: form.payload,
            headers: { ...visitor.headers, ...form.headers },
          })
          return response.statusCode
        }),
      )
      expect(statuses.filter((s) => s === 201)).toHaveLength(3)
      expect(statuses.filter((s) => s === 429)).toHaveLength(5)
    } finally {
      await bounded.close()
    }
  })
})
