/**
 * The visitor's file uploads, over XMLHttpRequest: fetch cannot report upload progress. Failures are
 * the conversation's failure classes, as for every other call. A big file on a slow line may take
 * minutes, so there is no overall deadline: a stall (nothing sent or received for `idleMs`) is the
 * timeout.
 */
import { routes, type UploadReply } from '../../protocol/wire.ts'
import {
  HttpFailure,
  NetworkFailure,
  ReplyFailure,
  TimeoutFailure,
} from '../conversation/failure.ts'
import type { Transport } from '../conversation/ports.ts'
import { errorCode, parseRetryAfter } from './api.ts'
import { decodeMedia } from './decode.ts'

export function createUploader(
  base: string,
  newRequest: () => XMLHttpRequest = () => new XMLHttpRequest(),
  idleMs = 30_000,
): Transport['upload'] {
  return (auth, file, { onProgress, signal }) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      const url = base + routes.uploads(auth.conversationId)
      const xhr = newRequest()
      let timer: ReturnType<typeof setTimeout> | undefined
      const end = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', cancel)
      }
      const fail = (error: unknown) => {
        end()
        reject(error)
      }
      const cancel = () => {
        xhr.abort()
        fail(signal.reason)
      }
      const watch = () => {
        clearTimeout(timer)
        timer = setTimeout(() => {
          xhr.abort()
          fail(new TimeoutFailure('POST', url, `nothing sent or received for ${idleMs} ms`))
        }, idleMs)
      }

      xhr.open('POST', url)
      xhr.setRequestHeader('Authorization', `Bearer ${auth.credential}`)
      xhr.upload.onprogress = (e) => {
        watch()
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total)
      }
      xhr.onprogress = watch
      xhr.onerror = () => fail(new NetworkFailure('POST', url, 'network error'))
      xhr.onload = () => {
        const body = parse(xhr.responseText)
        if (xhr.status < 200 || xhr.status > 299) {
          const retryAfter = parseRetryAfter(xhr.getResponseHeader('Retry-After'))
          return fail(new HttpFailure('POST', url, xhr.status, errorCode(body), retryAfter))
        }
        const reply = readReply(body)
        if (!reply) return fail(new ReplyFailure('POST', url, 'unexpected reply'))
        end()
        resolve(reply)
      }
      signal.addEventListener('abort', cancel, { once: true })
      const form = new FormData()
      form.append('file', file, file.name)
      xhr.send(form)
      watch()
    })
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function readReply(body: unknown): UploadReply | null {
  const media = decodeMedia(body)
  const uploadId = (body as { uploadId?: unknown } | undefined)?.uploadId
  if (!media || typeof uploadId !== 'string') return null
  const { name, type, size } = media
  if (name === undefined || type === undefined || size === undefined) return null
  return { ...media, uploadId, name, type, size }
}
