import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { limits, type UploadReply } from '../../protocol/wire.ts'
import {
  createFakeTransport,
  fileGoneFailure,
  future,
  memorySessionStore,
  uploadReply,
} from '../testing/fakes.ts'
import { HttpFailure, NetworkFailure } from './failure.ts'
import { createConversationModel } from './model.ts'
import type { UploadOptions } from './ports.ts'
import type { VisitorEntry } from './transcript.ts'

const auth = { conversationId: 'c1', credential: 'k1' }
const MB = 1024 * 1024

function setup(session = memorySessionStore()) {
  const fake = createFakeTransport()
  let n = 0
  const model = createConversationModel({
    transport: fake.transport,
    session,
    startContext: () => ({}),
    newClientId: () => `client-${++n}`,
  })
  return { model, fake, session, attachment: model.attachment }
}

const settle = () => vi.advanceTimersByTimeAsync(0)
const photo = (size = 2 * MB) => new File([new Uint8Array(size)], 'cat.png', { type: 'image/png' })
const pdf = () => new File(['%PDF-1.7'], 'invoice.pdf', { type: 'application/pdf' })

/** A conversation under way, with uploads on. */
async function chatting() {
  const t = setup()
  await t.attachment.configure()
  t.model.restore()
  t.model.setDraft('Hello')
  t.model.send()
  await settle()
  t.fake.emit({ type: 'accepted' })
  t.fake.transport.send.mockClear()
  return t
}

/** An upload the test finishes (or fails) by hand, reporting progress on the way. */
function holdUpload(fake: ReturnType<typeof createFakeTransport>) {
  const held = {
    options: null as UploadOptions | null,
    finish: (_reply: UploadReply) => {},
    fail: (_error: unknown) => {},
  }
  fake.transport.upload.mockImplementationOnce(
    (_auth, _file, options) =>
      new Promise((resolve, reject) => {
        held.options = options
        held.finish = resolve
        held.fail = reject
        options.signal.addEventListener('abort', () => reject(options.signal.reason))
      }),
  )
  return held
}

const visitorEntries = (t: ReturnType<typeof setup>) =>
  t.model.transcript.value.filter((e): e is VisitorEntry => e.kind === 'visitor')

let created: string[]
let revoked: string[]
beforeEach(() => {
  vi.useFakeTimers()
  created = []
  revoked = []
  let urls = 0
  vi.spyOn(URL, 'createObjectURL').mockImplementation(() => {
    const url = `blob:https://shop.test/${++urls}`
    created.push(url)
    return url
  })
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => void revoked.push(url))
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe("the proxy's upload limits", () => {
  it('are off until the config says otherwise, and then on', async () => {
    const { attachment, fake } = setup()
    expect(attachment.limits.value).toBeNull()
    attachment.stage(photo())
    expect(attachment.staged.value).toBeNull()
    await attachment.configure()
    expect(fake.transport.config).toHaveBeenCalledOnce()
    expect(attachment.limits.value).toEqual({
      maxBytes: 10 * MB,
      types: ['image/*', 'application/pdf'],
    })
  })

  it('stay off, quietly, when the config cannot be read or says uploads are off', async () => {
    const failing = setup()
    failing.fake.transport.config.mockRejectedValueOnce(new NetworkFailure('GET', 'u', 'x'))
    await failing.attachment.configure()
    expect(failing.attachment.limits.value).toBeNull()
    expect(failing.model.alert.value).toBeNull()

    const off = setup()
    off.fake.transport.config.mockResolvedValueOnce({ uploads: null, leaveMessage: false })
    await off.attachment.configure()
    off.attachment.stage(photo())
    expect(off.attachment.staged.value).toBeNull()
  })
})

describe('choosing a file', () => {
  it('previews an image from an object URL, revoked when it is removed', async () => {
    const { model, attachment } = setup()
    await attachment.configure()
    attachment.stage(photo())
    expect(attachment.staged.value?.media).toEqual({
      kind: 'image',
      url: created[0],
      name: 'cat.png',
      type: 'image/png',
      size: 2 * MB,
    })
    model.setDraft('my cat')
    attachment.remove()
    expect(attachment.staged.value).toBeNull()
    // Only the file goes: what the visitor wrote stays in the message box, to send as text.
    expect(model.draft.value).toBe('my cat')
    expect(revoked).toEqual(created)
  })

  it('previews other files by name and size, with no object URL', async () => {
    const { attachment } = setup()
    await attachment.configure()
    attachment.stage(pdf())
    expect(attachment.staged.value?.media).toMatchObject({ kind: 'file', url: '', size: 8 })
    expect(created).toEqual([])
  })

  it('replaces a file already in the preview, revoking its URL', async () => {
    const { attachment } = setup()
    await attachment.configure()
    attachment.stage(photo())
    attachment.stage(pdf())
    expect(attachment.staged.value?.media.name).toBe('invoice.pdf')
    expect(revoked).toEqual([created[0]])
  })

  it('refuses a file over the limit, saying how big it is and what the limit is', async () => {
    const { attachment } = setup()
    await attachment.configure()
    attachment.stage(photo(12 * MB))
    expect(attachment.staged.value).toBeNull()
    expect(attachment.refusal.value).toEqual({
      reason: 'too-big',
      size: 12 * MB,
      maxBytes: 10 * MB,
    })
    attachment.stage(photo())
    expect(attachment.refusal.value).toBeNull()
  })

  it('refuses a type the proxy does not take, and a file of unknown type', async () => {
    const { attachment } = setup()
    await attachment.configure()
    attachment.stage(new File(['x'], 'run.exe', { type: 'application/x-msdownload' }))
    expect(attachment.refusal.value).toEqual({ reason: 'type' })
    attachment.stage(new File(['x'], 'notes', { type: '' }))
    expect(attachment.refusal.value).toEqual({ reason: 'type' })
    expect(attachment.staged.value).toBeNull()
  })
})

describe('sending a file', () => {
  it('uploads it with progress, then sends the message with its upload and caption', async () => {
    const t = await chatting()
    const held = holdUpload(t.fake)
    t.attachment.stage(photo())
    t.model.setDraft('  my cat  ')
    t.model.send()
    expect(t.attachment.staged.value).toBeNull()
    expect(t.model.draft.value).toBe('')
    expect(visitorEntries(t).at(-1)).toMatchObject({
      clientId: 'client-2',
      text: 'my cat',
      delivery: 'sending',
      media: { kind: 'image', url: created[0], name: 'cat.png' },
    })
    expect(t.fake.transport.upload).toHaveBeenCalledWith(auth, expect.any(File), expect.anything())
    expect(t.attachment.progress.value).toEqual({ 'client-2': 0 })

    held.options?.onProgress(0.4)
    expect(t.attachment.progress.value).toEqual({ 'client-2': 0.4 })
    expect(t.fake.transport.send).not.toHaveBeenCalled()

    const reply = uploadReply(photo())
    held.finish(reply)
    await settle()
    expect(t.fake.transport.send).toHaveBeenCalledWith(auth, {
      clientId: 'client-2',
      text: 'my cat',
      upload: reply.uploadId,
    })
    // The proxy's copy replaces the local preview, whose URL is let go.
    const { uploadId: _, ...media } = reply
    expect(visitorEntries(t).at(-1)).toMatchObject({ delivery: 'sent', media })
    expect(t.attachment.progress.value).toEqual({})
    expect(revoked).toEqual(created)
  })

  it("keeps showing the local preview until the message is sent: the proxy's URL answers nothing before", async () => {
    const t = await chatting()
    let accept = () => {}
    t.fake.transport.send.mockImplementationOnce(
      () => new Promise((resolve) => (accept = () => resolve({ messageId: 'm2', eventId: 7 }))),
    )
    const reply = uploadReply(photo())
    t.fake.transport.upload.mockResolvedValueOnce(reply)
    t.attachment.stage(photo())
    t.model.send()
    await settle()
    expect(t.fake.transport.send).toHaveBeenCalledOnce()
    // Uploaded, not sent: the bubble shows the file from the browser's memory, no progress bar.
    expect(visitorEntries(t).at(-1)).toMatchObject({
      delivery: 'sending',
      media: { url: created[0] },
    })
    expect(t.attachment.progress.value).toEqual({})
    expect(revoked).toEqual([])

    accept()
    await settle()
    const { uploadId: _, ...media } = reply
    expect(visitorEntries(t).at(-1)).toMatchObject({ delivery: 'sent', media })
    expect(revoked).toEqual(created)
  })

  it('lets the preview go when a file refused after its upload is removed', async () => {
    const t = await chatting()
    t.fake.transport.send.mockRejectedValueOnce(fileGoneFailure())
    t.attachment.stage(photo())
    t.model.send()
    await settle()
    expect(visitorEntries(t).at(-1)).toMatchObject({
      delivery: 'refused',
      media: { url: created[0] },
    })
    expect(revoked).toEqual([])
    t.model.remove('client-2')
    expect(revoked).toEqual(created)
    expect(visitorEntries(t).map((e) => e.clientId)).toEqual(['client-1'])
  })

  it("sends the file with the message box's words as its caption: one message, not two", async () => {
    const t = await chatting()
    t.model.setDraft('The torn corner')
    t.attachment.stage(photo())
    t.model.send()
    await settle()
    expect(t.fake.transport.send).toHaveBeenCalledOnce()
    expect(t.fake.transport.send.mock.calls[0]?.[1]).toEqual({
      clientId: 'client-2',
      text: 'The torn corner',
      upload: expect.stringMatching(/^upload-/),
    })
    expect(t.attachment.staged.value).toBeNull()
    expect(t.model.draft.value).toBe('')
    // The next Send is a text again.
    t.model.setDraft('Can you see it?')
    t.model.send()
    await settle()
    expect(t.fake.transport.send.mock.calls[1]?.[1]).toEqual({
      clientId: 'client-3',
      text: 'Can you see it?',
    })
  })

  it('keeps the file and the words when the caption is too long, saying so', async () => {
    const t = await chatting()
    t.attachment.stage(photo())
    t.model.setDraft('x'.repeat(limits.textLength + 1))
    t.model.send()
    expect(t.model.alert.value).toBe('too-long')
    expect(t.attachment.staged.value).not.toBeNull()
    expect(t.model.draft.value).toHaveLength(limits.textLength + 1)
    expect(t.fake.transport.upload).not.toHaveBeenCalled()
  })

  it('sends a file without a caption as an empty text', async () => {
    const t = await chatting()
    t.attachment.stage(pdf())
    t.model.send()
    await settle()
    expect(t.fake.transport.send.mock.calls[0]?.[1]).toEqual({
      clientId: 'client-2',
      text: '',
      upload: expect.stringMatching(/^upload-/),
    })
  })

  it('starts the conversation when a file is the first message', async () => {
    const { model, attachment, fake } = setup()
    await attachment.configure()
    model.restore()
    attachment.stage(photo())
    model.send()
    expect(model.phase.value.name).toBe('starting')
    await settle()
    expect(fake.transport.upload).toHaveBeenCalledOnce()
    expect(fake.transport.send).toHaveBeenCalledOnce()
  })

  it('keeps the file in the preview when the message is refused before sending', async () => {
    const { model, attachment, fake } = setup()
    await attachment.configure()
    model.restore()
    model.setProfile({ email: 'not-an-email' })
    attachment.stage(photo())
    model.send()
    expect(model.prechat.problems.value).toMatchObject({ email: expect.any(String) })
    expect(attachment.staged.value).not.toBeNull()
    expect(attachment.progress.value).toEqual({})
    expect(fake.transport.upload).not.toHaveBeenCalled()
  })

  it('keeps messages in order: text written during an upload waits for it', async () => {
    const t = await chatting()
    const held = holdUpload(t.fake)
    t.attachment.stage(photo())
    t.model.send()
    t.model.setDraft('Did you get it?')
    t.model.send()
    await settle()
    expect(t.fake.transport.send).not.toHaveBeenCalled()
    held.finish(uploadReply(photo()))
    await settle()
    expect(t.fake.transport.send.mock.calls.map((c) => c[1].text)).toEqual(['', 'Did you get it?'])
  })
})

describe('cancelling an upload', () => {
  it('aborts it, takes the message out of the log and goes on with the next one', async () => {
    const t = await chatting()
    const held = holdUpload(t.fake)
    t.attachment.stage(photo())
    t.model.send()
    t.model.setDraft('Never mind')
    t.model.send()
    await settle()
    t.attachment.cancel('client-2')
    expect(held.options?.signal.aborted).toBe(true)
    expect(visitorEntries(t).map((e) => e.text)).toEqual(['Hello', 'Never mind'])
    expect(t.attachment.progress.value).toEqual({})
    expect(revoked).toEqual(created)
    await settle()
    expect(t.fake.transport.send.mock.calls.map((c) => c[1].text)).toEqual(['Never mind'])
    expect(t.attachment.refusal.value).toBeNull()
  })

  it('does not send a file whose reply arrives after Cancel', async () => {
    const t = await chatting()
    const held = holdUpload(t.fake)
    t.attachment.stage(photo())
    t.model.send()
    held.finish(uploadReply(photo()))
    t.attachment.cancel('client-2')
    await settle()
    expect(t.fake.transport.send).not.toHaveBeenCalled()
    expect(visitorEntries(t)).toHaveLength(1)
  })

  it('cancels a file still waiting for its turn without uploading it', async () => {
    const t = await chatting()
    let release = () => {}
    t.fake.transport.send.mockImplementationOnce(
      () => new Promise((resolve) => (release = () => resolve({ messageId: 'm', eventId: 0 }))),
    )
    t.model.setDraft('First')
    t.model.send()
    t.attachment.stage(photo())
    t.model.send()
    t.attachment.cancel('client-3')
    release()
    await settle()
    expect(t.fake.transport.upload).not.toHaveBeenCalled()
  })
})

describe('failures', () => {
  it('retries a transient upload failure by itself', async () => {
    const t = await chatting()
    t.fake.transport.upload.mockRejectedValueOnce(new NetworkFailure('POST', 'u', 'x'))
    t.attachment.stage(photo())
    t.model.send()
    await settle()
    expect(visitorEntries(t).at(-1)?.delivery).toBe('sending')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(t.fake.transport.upload).toHaveBeenCalledTimes(2)
    expect(visitorEntries(t).at(-1)?.delivery).toBe('sent')
  })

  it('marks it failed when the send keeps failing; Retry sends it once, without uploading again', async () => {
    const t = await chatting()
    t.fake.transport.send.mockRejectedValue(
      new HttpFailure('POST', 'u', 502, 'UPSTREAM_ERROR', undefined),
    )
    t.attachment.stage(photo())
    t.model.send()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(visitorEntries(t).at(-1)?.delivery).toBe('failed')
    expect(t.fake.transport.upload).toHaveBeenCalledOnce()

    t.fake.transport.send.mockReset()
    t.fake.transport.send.mockResolvedValue({ messageId: 'm2', eventId: 9 })
    t.model.retry('client-2')
    await settle()
    expect(t.fake.transport.upload).toHaveBeenCalledOnce()
    expect(t.fake.transport.send).toHaveBeenCalledOnce()
    expect(t.fake.transport.send.mock.calls[0]?.[1].clientId).toBe('client-2')
    expect(visitorEntries(t).at(-1)?.delivery).toBe('sent')
  })

  it('says why when the proxy refuses the file, and marks the message refused, not to be retried', async () => {
    const t = await chatting()
    t.fake.transport.upload.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 415, 'UNSUPPORTED_MEDIA_TYPE', undefined),
    )
    t.attachment.stage(photo())
    t.model.send()
    await settle()
    expect(t.attachment.refusal.value).toEqual({ reason: 'type' })
    expect(visitorEntries(t).at(-1)).toMatchObject({
      delivery: 'refused',
      media: { url: created[0] },
    })
    // The preview's refusal says why; no second alert says it again.
    expect(t.model.sendProblem.value).toBeNull()
    // Still not uploaded: the bubble keeps showing the preview.
    expect(t.attachment.progress.value).toEqual({ 'client-2': 0 })
    expect(t.fake.transport.send).not.toHaveBeenCalled()

    // Removed, its file and its preview's URL are let go, and so is the refusal.
    t.model.remove('client-2')
    expect(visitorEntries(t).map((e) => e.clientId)).toEqual(['client-1'])
    expect(t.attachment.refusal.value).toBeNull()
    expect(t.attachment.progress.value).toEqual({})
    expect(revoked).toEqual([created[0]])

    t.fake.transport.upload.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 413, 'PAYLOAD_TOO_LARGE', undefined),
    )
    t.attachment.stage(photo())
    t.model.send()
    await settle()
    expect(t.attachment.refusal.value).toEqual({
      reason: 'too-big',
      size: 2 * MB,
      maxBytes: 10 * MB,
    })
    expect(visitorEntries(t).at(-1)?.delivery).toBe('refused')
  })

  it('goes on when the proxy no longer has the uploaded file: the visitor is told to attach it again', async () => {
    const t = await chatting()
    t.fake.transport.send.mockRejectedValueOnce(fileGoneFailure())
    t.attachment.stage(photo())
    t.model.setDraft('the receipt')
    t.model.send()
    await settle()
    expect(t.session.load()).toMatchObject({ conversationId: 'c1', finished: false })
    expect(t.model.phase.value).toMatchObject({ name: 'chatting' })
    expect(t.fake.transport.send).toHaveBeenCalledOnce()
    expect(visitorEntries(t).at(-1)).toMatchObject({ text: 'the receipt', delivery: 'refused' })
    expect(t.model.sendProblem.value).toEqual({ kind: 'refused', why: 'file-gone' })

    // Sending it again would be refused again: the visitor removes it and attaches the file anew.
    t.model.remove('client-2')
    expect(visitorEntries(t).map((e) => e.clientId)).toEqual(['client-1'])
    expect(t.model.sendProblem.value).toBeNull()
    t.attachment.stage(photo())
    t.model.send()
    await settle()
    expect(t.fake.transport.upload).toHaveBeenCalledTimes(2)
    expect(visitorEntries(t).at(-1)).toMatchObject({ clientId: 'client-3', delivery: 'sent' })
  })

  it("still says why a text was refused while the preview refuses a file of the visitor's", async () => {
    const t = await chatting()
    t.attachment.stage(photo(11 * MB))
    expect(t.attachment.refusal.value).toMatchObject({ reason: 'too-big' })
    t.fake.transport.send.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 400, 'VALIDATION_ERROR', undefined),
    )
    t.model.setDraft('Plain text')
    t.model.send()
    await settle()
    expect(visitorEntries(t).at(-1)).toMatchObject({ text: 'Plain text', delivery: 'refused' })
    expect(t.model.sendProblem.value).toEqual({ kind: 'refused', why: 'refused' })
  })

  it('ends the chat on 409 and marks the file failed', async () => {
    const t = await chatting()
    t.fake.transport.upload.mockRejectedValueOnce(
      new HttpFailure('POST', 'u', 409, 'CONFLICT', undefined),
    )
    t.attachment.stage(photo())
    t.model.send()
    await settle()
    expect(t.model.phase.value.name).toBe('finished')
    expect(visitorEntries(t).at(-1)?.delivery).toBe('failed')
  })
})

describe('after a reload and starting over', () => {
  it("shows the visitor's files replayed from the stream", () => {
    const session = memorySessionStore()
    session.save({ ...auth, expiresAt: future, finished: false, readId: 0, seenId: 0 })
    const t = setup(session)
    t.model.restore()
    t.fake.emit({
      type: 'message',
      author: 'visitor',
      messageId: 'm1',
      clientId: 'old',
      text: 'my cat',
      media: { kind: 'image', url: 'https://proxy.test/v1/media/x', name: 'cat.png', size: 5 },
    })
    expect(visitorEntries(t)[0]).toMatchObject({
      text: 'my cat',
      delivery: 'sent',
      media: { kind: 'image', url: 'https://proxy.test/v1/media/x', name: 'cat.png', size: 5 },
    })
  })

  it('forgets the preview and aborts uploads when a new chat starts', async () => {
    const t = await chatting()
    const held = holdUpload(t.fake)
    t.attachment.stage(photo())
    t.model.send()
    t.attachment.stage(photo())
    t.model.startNew()
    expect(held.options?.signal.aborted).toBe(true)
    expect(t.attachment.staged.value).toBeNull()
    expect(t.attachment.progress.value).toEqual({})
    expect(revoked.sort()).toEqual(created.sort())
  })
})
