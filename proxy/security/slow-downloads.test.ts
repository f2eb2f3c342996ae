/**
 * Attack: ask for a visitor's file (a public URL, no credential) and then stop reading. Each such
 * download holds a socket and the file's handle; once the reader has taken nothing for
 * MEDIA_IDLE_TIMEOUT_MS the proxy cuts it and lets both go. A reader that keeps reading is not cut.
 */
import { readdirSync, readlinkSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes, type UploadReply } from '../../protocol/wire.ts'
import {
  fileForm,
  formBody,
  type Harness,
  samplePdf,
  startConversation,
  startHarness,
} from '../testing/harness.ts'

/** Far more than loopback's socket buffers take while the reader reads nothing. */
const fileBytes = 24 * 1024 * 1024
const idleMs = 500

let h: Harness
let file: UploadReply
beforeAll(async () => {
  h = await startHarness({
    limits: { uploadMaxBytes: fileBytes, mediaIdleTimeoutMs: idleMs },
  })
  const visitor = await startConversation(h.url)
  const bytes = Buffer.concat([samplePdf(), Buffer.alloc(fileBytes - samplePdf().length, 32)])
  const form = await formBody(fileForm(bytes, 'big.pdf'))
  const uploaded = await h.app.inject({
    method: 'POST',
    url: routes.uploads(visitor.conversationId),
    payload: form.payload,
    headers: { ...visitor.headers, ...form.headers },
  })
  expect(uploaded.statusCode, uploaded.body).toBe(201)
  file = uploaded.json()
  const sent = await h.app.inject({
    method: 'POST',
    url: routes.messages(visitor.conversationId),
    payload: { clientId: 'big-file-01', upload: file.uploadId },
    headers: visitor.headers,
  })
  expect(sent.statusCode, sent.body).toBe(202)
}, 30_000)
afterAll(() => h.close())

/** This process's open handles on the file's bytes (Linux: /proc/self/fd). */
function handlesOnFile(): number {
  const path = join(h.mediaDir, file.uploadId)
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path
    } catch {
      return false
    }
  }).length
}

/** GETs the file on a raw socket that reads nothing until told to; how much it got in the end. */
function download(): Promise<{ socket: Socket; received: Promise<number> }> {
  const { port } = new URL(h.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.pause()
      socket.write(`GET ${new URL(file.url).pathname} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
      let received = 0
      socket.on('data', (chunk) => {
        received += chunk.length
      })
      const ended = new Promise<number>((done) => socket.once('close', () => done(received)))
      resolve({ socket, received: ended })
    })
    socket.once('error', reject)
  })
}

describe('downloads of visitors’ files', () => {
  it('are cut once the reader takes nothing for MEDIA_IDLE_TIMEOUT_MS, and the file is let go', async () => {
    const { socket, received } = await download()
    try {
      await expect.poll(handlesOnFile).toBe(1)
      // The proxy lets the file go by itself, though the reader neither reads nor leaves.
      await expect.poll(handlesOnFile, { timeout: 10 * idleMs }).toBe(0)
      socket.resume()
      // What was on its way still arrives, then the end: never the whole file.
      expect(await received).toBeLessThan(fileBytes)
    } finally {
      socket.destroy()
    }
  })

  it('go on to the end for a reader that keeps reading, however long it takes', async () => {
    const response = await fetch(file.url)
    let received = 0
    let nextPause = 0
    for await (const chunk of response.body!) {
      received += (chunk as Uint8Array).length
      // A slow reader: it stops for half the idle timeout every 4 MiB, so the whole download takes
      // three times the timeout, while it is never idle for as long.
      if (received >= nextPause) {
        nextPause += 4 * 1024 * 1024
        await new Promise((resume) => setTimeout(resume, idleMs / 2))
      }
    }
    expect(received).toBe(fileBytes)
  })
})
