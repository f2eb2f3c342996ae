/**
 * The visitor's calls to the proxy, one function each: the conversation's `Api` port. Failures are
 * thrown as the conversation's failure classes, one per kind (HTTP status, timeout, network,
 * unusable reply), so it classifies them by type, never by message text.
 */
import type { MessageReply, StartReply } from '../../proxy/protocol/schemas.ts'
import { type ErrorBody, routes, type WidgetConfig } from '../../proxy/protocol/wire.ts'
import {
  HttpFailure,
  NetworkFailure,
  ReplyFailure,
  TimeoutFailure,
} from '../conversation/failure.ts'
import type { Api, Credentials } from '../conversation/ports.ts'

type Fetch = typeof fetch

export function createApi(base: string, fetchFn: Fetch = fetch, timeoutMs = 10_000): Api {
  async function call(
    method: string,
    path: string,
    auth?: Credentials,
    body?: unknown,
  ): Promise<Response> {
    const url = base + path
    const headers: Record<string, string> = {}
    if (auth) headers.Authorization = `Bearer ${auth.credential}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const signal = AbortSignal.timeout(timeoutMs)
    let response: Response
    try {
      response = await fetchFn(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal,
        credentials: 'omit',
        cache: 'no-store',
      })
    } catch {
      // The cause is the abort signal's state, not the error's text.
      if (signal.aborted) throw new TimeoutFailure(method, url, `no reply within ${timeoutMs} ms`)
      throw new NetworkFailure(method, url, 'network error')
    }
    if (!response.ok) {
      const code = await readErrorCode(response)
      throw new HttpFailure(
        method,
        url,
        response.status,
        code,
        parseRetryAfter(response.headers.get('Retry-After')),
      )
    }
    return response
  }

  async function json<T>(
    method: string,
    path: string,
    check: (v: unknown) => v is T,
    auth?: Credentials,
    body?: unknown,
  ): Promise<T> {
    const response = await call(method, path, auth, body)
    const value: unknown = await response.json().catch(() => undefined)
    if (!check(value)) throw new ReplyFailure(method, base + path, 'unexpected reply')
    return value
  }

  const put = async (path: string, auth: Credentials, body?: unknown) => {
    await call('PUT', path, auth, body)
  }

  return {
    start: (body) => json('POST', routes.start, isStartReply, undefined, body),
    send: (auth, body) =>
      json('POST', routes.messages(auth.conversationId), isMessageReply, auth, body),
    typing: (auth) => put(routes.typing(auth.conversationId), auth),
    cleared: (auth) => put(routes.cleared(auth.conversationId), auth),
    finish: (auth) => put(routes.finish(auth.conversationId), auth),
    rate: (auth, body) => put(routes.rating(auth.conversationId), auth, body),
    leaveMessage: async (body) => {
      await call('POST', routes.messagesLeft, undefined, body)
    },
    config: () => json('GET', routes.config, isWidgetConfig),
  }
}

async function readErrorCode(response: Response): Promise<ErrorBody['code'] | undefined> {
  return errorCode(await response.json().catch(() => undefined))
}

/** The `code` of the proxy's error body, if the body is one (uploads read it from XHR too). */
export function errorCode(body: unknown): ErrorBody['code'] | undefined {
  if (
    typeof body === 'object' &&
    body !== null &&
    'code' in body &&
    typeof body.code === 'string'
  ) {
    return body.code as ErrorBody['code']
  }
  return undefined
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function isStartReply(v: unknown): v is StartReply {
  return (
    typeof v === 'object' &&
    v !== null &&
    'conversationId' in v &&
    typeof v.conversationId === 'string' &&
    'credential' in v &&
    typeof v.credential === 'string' &&
    'expiresAt' in v &&
    typeof v.expiresAt === 'string'
  )
}

/** `uploads` is checked here (null: off); other fields are read where used, each with a fallback. */
function isWidgetConfig(v: unknown): v is WidgetConfig {
  if (typeof v !== 'object' || v === null || !('uploads' in v)) return false
  const { uploads } = v
  return (
    uploads === null ||
    (typeof uploads === 'object' &&
      'maxBytes' in uploads &&
      typeof uploads.maxBytes === 'number' &&
      'types' in uploads &&
      Array.isArray(uploads.types) &&
      uploads.types.every((t) => typeof t === 'string'))
  )
}

function isMessageReply(v: unknown): v is MessageReply {
  return (
    typeof v === 'object' &&
    v !== null &&
    'messageId' in v &&
    typeof v.messageId === 'string' &&
    'eventId' in v &&
    typeof v.eventId === 'number'
  )
}
