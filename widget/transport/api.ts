/**
 * The visitor's calls to the proxy, one function each. Failures are thrown as one class per kind
 * (HTTP status, timeout, network, unusable reply) and classified by type, never by message text.
 */
import type {
  MessageBody,
  MessageReply,
  RatingBody,
  StartBody,
  StartReply,
} from '../../proxy/protocol/schemas.ts'
import { type ErrorBody, routes } from '../../proxy/protocol/wire.ts'

export type Credentials = { conversationId: string; credential: string }

export type Api = {
  start(body: StartBody): Promise<StartReply>
  send(auth: Credentials, body: MessageBody): Promise<MessageReply>
  typing(auth: Credentials): Promise<void>
  cleared(auth: Credentials): Promise<void>
  finish(auth: Credentials): Promise<void>
  rate(auth: Credentials, body: RatingBody): Promise<void>
}

export class ApiFailure extends Error {
  readonly method: string
  readonly url: string
  constructor(method: string, url: string, detail: string) {
    super(`${method} ${url}: ${detail}`)
    this.name = new.target.name
    this.method = method
    this.url = url
  }
}
export class HttpFailure extends ApiFailure {
  readonly status: number
  readonly code: ErrorBody['code'] | undefined
  /** From Retry-After on a 429, in milliseconds. */
  readonly retryAfterMs: number | undefined
  constructor(
    method: string,
    url: string,
    status: number,
    code: ErrorBody['code'] | undefined,
    retryAfterMs: number | undefined,
  ) {
    super(method, url, `HTTP ${status}${code ? ` ${code}` : ''}`)
    this.status = status
    this.code = code
    this.retryAfterMs = retryAfterMs
  }
}
export class TimeoutFailure extends ApiFailure {}
export class NetworkFailure extends ApiFailure {}
/** A 2xx whose body is not what the protocol promises. */
export class ReplyFailure extends ApiFailure {}

/**
 * What a failure means for the conversation: `gone` (401/403/404: start over), `finished` (409),
 * `busy` (429), `retryable` (502/504/5xx, timeout, network), `rejected` (anything else).
 */
export type FailureKind = 'gone' | 'finished' | 'busy' | 'retryable' | 'rejected'

export function classify(error: unknown): FailureKind {
  if (error instanceof TimeoutFailure || error instanceof NetworkFailure) return 'retryable'
  if (!(error instanceof HttpFailure)) return 'rejected'
  if (error.status === 401 || error.status === 403 || error.status === 404) return 'gone'
  if (error.status === 409) return 'finished'
  if (error.status === 429) return 'busy'
  return error.status >= 500 ? 'retryable' : 'rejected'
}

export function retryAfter(error: unknown): number | undefined {
  return error instanceof HttpFailure ? error.retryAfterMs : undefined
}

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
  }
}

async function readErrorCode(response: Response): Promise<ErrorBody['code'] | undefined> {
  const body: unknown = await response.json().catch(() => undefined)
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
