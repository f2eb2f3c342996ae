import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { samplePng } from '../testing/harness.ts'
import { UploadRefusedError } from './receive.ts'
import { createMediaStore, type MediaStore, type RemovalReason } from './store.ts'
import { defaultUploadTypes } from './types.ts'

const hour = 60 * 60 * 1000
let dir = ''
let clock = 0
let removed: Array<[RemovalReason, number]> = []
let store: MediaStore

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zchat-store-'))
  clock = Date.now()
  removed = []
  store = createMediaStore({
    dir,
    maxBytes: 1000,
    types: defaultUploadTypes,
    retentionMs: 24 * hour,
    now: () => clock,
    onRemove: (reason, count) => removed.push([reason, count]),
  })
})
afterEach(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** An upload arriving in chunks of `size` bytes, as multipart hands them over. */
async function* chunks(bytes: Buffer, size = 7) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof UploadRefusedError ? error.reason : error),
  )

describe('the media store', () => {
  it("erases every file of one conversation, sent or not, and no other's", async () => {
    const png = samplePng()
    const sent = await store.save('conv-1', { stream: chunks(png), filename: 'a.png' })
    await store.markSent(sent)
    const unsent = await store.save('conv-1', { stream: chunks(png), filename: 'b.png' })
    const other = await store.save('conv-2', { stream: chunks(png), filename: 'c.png' })
    expect(await store.eraseConversation('conv-1')).toBe(2)
    expect(await store.find(sent.id)).toBeNull()
    expect(await store.find(unsent.id)).toBeNull()
    expect(readdirSync(dir).sort()).toEqual([other.id, `${other.id}.json`].sort())
    expect(await store.eraseConversation('conv-1')).toBe(0)
    // Nothing is counted as swept: an erasure is counted where it was asked for.
    expect(removed).toEqual([])
  })

  it('streams a file to disk under a fresh unguessable id, with its metadata beside it', async () => {
    const png = samplePng()
    const a = await store.save('conv-1', { stream: chunks(png), filename: 'a.png' })
    const b = await store.save('conv-1', { stream: chunks(png), filename: 'a.png' })
    expect(a.id).toMatch(/^[\w-]{24}$/)
    expect(a.id).not.toBe(b.id)
    expect(readFileSync(join(dir, a.id))).toEqual(png)
    expect(JSON.parse(readFileSync(join(dir, `${a.id}.json`), 'utf8'))).toEqual({
      id: a.id,
      conversationId: 'conv-1',
      name: 'a.png',
      type: 'image/png',
      size: png.length,
      sha256: expect.stringMatching(/^[\w-]{43}$/),
      createdAt: new Date(clock).toISOString(),
      sentAt: null,
    })
    expect(await store.find(a.id)).toEqual(a)
    expect(readdirSync(dir).sort()).toEqual([a.id, `${a.id}.json`, b.id, `${b.id}.json`].sort())
  })

  it('refuses text that turns out not to be, and deletes what it had written', async () => {
    const prose = Buffer.from('a'.repeat(600))
    for (const tail of [Buffer.from([0]), Buffer.from([0xff]), Buffer.from([0xe2, 0x82])]) {
      const bytes = Buffer.concat([prose, tail])
      expect(
        await refusal(store.save('c', { stream: chunks(bytes, 100), filename: 'a.txt' })),
      ).toBe('unsupported')
    }
    // Past the sniffing sample too: the check runs to the last byte.
    const big = createMediaStore({
      dir,
      maxBytes: 100_000,
      types: ['text/plain'],
      retentionMs: hour,
    })
    const late = Buffer.concat([Buffer.from('b'.repeat(50_000)), Buffer.from([0])])
    expect(await refusal(big.save('c', { stream: chunks(late, 4096), filename: 'b.txt' }))).toBe(
      'unsupported',
    )
    big.close()
    expect(readdirSync(dir)).toEqual([])
  })

  it('counts bytes as they stream and stops at the limit', async () => {
    const bytes = Buffer.concat([samplePng(), Buffer.alloc(1000)])
    expect(await refusal(store.save('c', { stream: chunks(bytes, 64) }))).toBe('too-large')
    const truncated = Object.assign(chunks(samplePng()), { truncated: true })
    expect(await refusal(store.save('c', { stream: truncated }))).toBe('too-large')
    expect(await refusal(store.save('c', { stream: chunks(Buffer.alloc(0)) }))).toBe('empty')
    expect(readdirSync(dir)).toEqual([])
  })

  it('finds nothing for an id that is not one of its own', async () => {
    writeFileSync(join(dir, 'secret.json'), '{}')
    for (const id of ['../secret', 'secret', '', 'A'.repeat(24), `${'A'.repeat(23)}/`])
      expect(await store.find(id), id).toBeNull()
  })

  it('keeps an upload private until a message carries it, and briefly: then served from when it was sent', async () => {
    const upload = await store.save('c', { stream: chunks(samplePng()) })
    expect(await store.find(upload.id)).toEqual(upload)
    expect(await store.findSent(upload.id)).toBeNull()
    clock += 10 * 60_000
    const sent = await store.markSent(upload)
    expect(sent).toEqual({ ...upload, sentAt: new Date(clock).toISOString() })
    expect(await store.findSent(upload.id)).toEqual(sent)
    // Sent again (another message): still from the first time.
    expect(await store.markSent(sent!)).toEqual(sent)
    clock += 24 * hour - 1
    expect(await store.findSent(upload.id)).toEqual(sent)
    clock += 1
    expect(await store.findSent(upload.id)).toBeNull()

    // Taken back (zChat refused the message): private again, and gone 15 minutes after its upload.
    const refused = await store.save('c', { stream: chunks(samplePng()) })
    await store.markUnsent((await store.markSent(refused))!)
    expect(await store.findSent(refused.id)).toBeNull()
    clock += 15 * 60_000
    expect(await store.find(refused.id)).toBeNull()
    expect(await store.sweep()).toEqual({ expired: 1, unsent: 1, orphan: 0 })
    expect(readdirSync(dir)).toEqual([])
    // Swept before its message came: nothing to send, and no metadata of nothing left behind.
    expect(await store.markSent(refused)).toBeNull()
    expect(readdirSync(dir)).toEqual([])
  })

  it('keeps serving a file stored before uploads waited for their message, for the retention from its upload', async () => {
    const old = await store.save('c', { stream: chunks(samplePng()) })
    // Its metadata as the proxy wrote it then: no word of a message.
    const { sentAt: _, ...before } = JSON.parse(readFileSync(join(dir, `${old.id}.json`), 'utf8'))
    writeFileSync(join(dir, `${old.id}.json`), JSON.stringify(before))
    clock += 60 * 60_000
    expect(await store.sweep()).toEqual({ expired: 0, unsent: 0, orphan: 0 })
    expect(await store.findSent(old.id)).toMatchObject({ id: old.id })
    clock += 23 * hour
    expect(await store.findSent(old.id)).toBeNull()
    expect(await store.sweep()).toEqual({ expired: 1, unsent: 0, orphan: 0 })
  })

  it('sweeps expired files and what a crash left behind, and nothing else', async () => {
    const kept = (await store.markSent(await store.save('c', { stream: chunks(samplePng()) })))!
    clock += 12 * hour
    const young = (await store.markSent(await store.save('c', { stream: chunks(samplePng()) })))!
    // Leftovers of a crash: a partial upload, bytes without metadata; and a file not ours.
    const ghost = 'G'.repeat(24)
    for (const name of [`${ghost}.part`, ghost, 'README.txt']) writeFileSync(join(dir, name), 'x')
    const old = new Date(clock - 2 * hour)
    utimesSync(join(dir, `${ghost}.part`), old, old)
    utimesSync(join(dir, ghost), old, old)

    clock += 12 * hour
    expect(await store.find(kept.id)).toBeNull()
    expect(await store.find(young.id)).not.toBeNull()
    expect(await store.sweep()).toEqual({ expired: 1, unsent: 0, orphan: 2 })
    expect(removed).toEqual([
      ['expired', 1],
      ['orphan', 2],
    ])
    expect(readdirSync(dir).sort()).toEqual(['README.txt', young.id, `${young.id}.json`].sort())
    expect(await store.sweep()).toEqual({ expired: 0, unsent: 0, orphan: 0 })
  })

  it('sweeps a folder that is not there yet without failing', async () => {
    const none = createMediaStore({
      dir: join(dir, 'missing'),
      maxBytes: 10,
      types: ['image/png'],
      retentionMs: hour,
    })
    expect(await none.sweep()).toEqual({ expired: 0, unsent: 0, orphan: 0 })
    await none.prepare()
    expect(readdirSync(dir)).toEqual(['missing'])
    none.close()
  })
})
