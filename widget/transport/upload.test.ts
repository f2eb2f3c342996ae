import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  HttpFailure,
  NetworkFailure,
  ReplyFailure,
  TimeoutFailure,
} from '../conversation/failure.ts'
import { createUploader } from './upload.ts'

const base = 'https://proxy.test/chat'
const auth = { conversationId: 'c/1', credential: 'secret' }
const file = new File(['%PDF-1.7'], 'invoice.pdf', { type: 'application/pdf' })
const reply = {
  uploadId: 'u_0123456789abcdef',
  url: 'https://proxy.test/chat/v1/media/u_0123456789abcdef',
  kind: 'file',
  name: 'invoice.pdf',
  type: 'application/pdf',
  size: 8,
}

/** Just the part of XMLHttpRequest the uploader uses, driven by the test. */
class FakeRequest {
  method = ''
  url = ''
  headers: Record<string, string> = {}
  body: unknown = null
  aborted = false
  status = 0
  responseText = ''
  responseHeaders: Record<string, string> = {}
  upload = { onprogress: null as ((e: ProgressEvent) => void) | null }
  onprogress: (() => void) | null = null
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  open(method: string, url: string) {
    this.method = method
    this.url = url
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value
  }
  getResponseHeader(name: string) {
    return this.responseHeaders[name] ?? null
  }
  send(body: unknown) {
    this.body = body
  }
  abort() {
    this.aborted = true
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent)
  }
  answer(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body)
    this.responseHeaders = headers
    this.onload?.()
  }
}

function setup(idleMs = 30_000) {
  const request = new FakeRequest()
  const upload = createUploader(base, () => request as unknown as XMLHttpRequest, idleMs)
  const onProgress = vi.fn()
  const controller = new AbortController()
  const result = upload(auth, file, { onProgress, signal: controller.signal }).catch(
    (error: unknown) => error,
  )
  return { request, onProgress, controller, result }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('createUploader', () => {
  it('posts the file as the multipart part `file`, with the credential as a bearer header', async () => {
    const { request, result } = setup()
    expect(request.method).toBe('POST')
    expect(request.url).toBe(`${base}/v1/conversations/c%2F1/uploads`)
    expect(request.url).not.toContain('secret')
    expect(request.headers).toEqual({ Authorization: 'Bearer secret' })
    const body = request.body as FormData
    expect(body).toBeInstanceOf(FormData)
    const part = body.get('file') as File
    expect([part.name, part.type, await part.text()]).toEqual([
      'invoice.pdf',
      'application/pdf',
      '%PDF-1.7',
    ])
    request.answer(201, { ...reply, extra: 'ignored' })
    await expect(result).resolves.toEqual(reply)
  })

  it('reports the share of bytes sent', () => {
    const { request, onProgress } = setup()
    request.progress(25, 100)
    request.progress(100, 100)
    request.upload.onprogress?.({ lengthComputable: false, loaded: 5, total: 0 } as ProgressEvent)
    expect(onProgress.mock.calls).toEqual([[0.25], [1]])
  })

  it('throws an HttpFailure with the status, code and Retry-After', async () => {
    const { request, result } = setup()
    request.answer(429, { code: 'RATE_LIMITED', message: 'slow down' }, { 'Retry-After': '7' })
    const error = await result
    expect(error).toBeInstanceOf(HttpFailure)
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterMs: 7000 })
  })

  it('throws an HttpFailure for a refusal whose body is not ours', async () => {
    const { request, result } = setup()
    request.answer(413, '<html>Request Entity Too Large</html>')
    expect(await result).toMatchObject({ status: 413, code: undefined })
  })

  it('throws a NetworkFailure when the request fails', async () => {
    const { request, result } = setup()
    request.onerror?.()
    expect(await result).toBeInstanceOf(NetworkFailure)
  })

  it('throws a ReplyFailure for a 201 that is not an upload reply', async () => {
    const { request, result } = setup()
    const { name: _, ...nameless } = reply
    request.answer(201, nameless)
    expect(await result).toBeInstanceOf(ReplyFailure)
  })

  it('times out when nothing moves for idleMs, however long the upload takes in all', async () => {
    const { request, result } = setup(1_000)
    for (let i = 1; i <= 5; i++) {
      await vi.advanceTimersByTimeAsync(900)
      request.progress(i, 10)
    }
    expect(request.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(request.aborted).toBe(true)
    expect(await result).toBeInstanceOf(TimeoutFailure)
  })

  it('aborts on the signal and rejects with its reason', async () => {
    const { request, controller, result } = setup()
    controller.abort()
    expect(request.aborted).toBe(true)
    expect(await result).toBe(controller.signal.reason)
  })
})
