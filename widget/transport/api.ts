/**
 * The visitor's calls to the proxy, one function each: the conversation's `Api` port, over fetch
 * (a timeout per try, retries that honour Retry-After: what ky did, in a tenth of its bytes,
 * decision 021). Failures are thrown as the conversation's failure
 * classes, one per kind, so it classifies them by type, never by message text:
 *   - NetworkFailure: no answer at all (offline, connection refused); the visitor is told they are
 *     offline, and what failed goes again when the browser is back online.
 *   - TimeoutFailure: no answer within the timeout ("Could not send. Retry.").
 *   - HttpFailure: the proxy answered non-2xx, with its status, its error `code` and `message` (the
 *     reason a 4xx was refused) and Retry-After: 429 "Please wait N seconds", 5xx (the proxy or zChat
 *     failed) "Could not send. Retry.".
 *   - ReplyFailure: a 2xx whose body breaks the protocol.
 * What can safely go twice is retried first (see `retryPolicy`), so a short hiccup never shows.
 */
import type { MessageReply, StartReply } from '../../protocol/schemas.ts'
import { type ErrorBody, routes, type WidgetConfig } from '../../protocol/wire.ts'
import {
  HttpFailure,
  NetworkFailure,
  ReplyFailure,
  TimeoutFailure,
} from '../conversation/failure.ts'
import type { Api, Credentials } from '../conversation/ports.ts'

type Fetch = typeof fetch

/** How calls that can safely go twice are retried. */
export type RetryPolicy = {
  /** Retries after the first try. */
  limit: number
  /** Wait before retry n (1, 2...), when the proxy gave no Retry-After. */
  delayMs(retry: number): number
  /**
   * The longest Retry-After waited out in silence. Past it the call fails at once, so the visitor
   * reads "Please wait N seconds" instead of a message stuck in "Sending…".
   */
  maxRetryAfterMs: number
  /** The browser says it is offline: retrying is pointless, the model resends once it is back. */
  offline(): boolean
}

export const retryPolicy: RetryPolicy = {
  limit: 2,
  delayMs: (retry) => 300 * 2 ** (retry - 1),
  maxRetryAfterMs: 5_000,
  offline: () => typeof navigator !== 'undefined' && navigator.onLine === false,
}

/**
 * Only these go twice: reading the config, the PUTs (typing, cleared, finish, rating: the same state
 * again), a message (the proxy keeps one per `clientId`) and an erasure. Starting a conversation,
 * leaving a message and asking for the transcript never do: each would reach zChat or the site twice.
 */
type Idempotent = boolean

/** 5xx and 429 are tried again; only a 429's or a 503's Retry-After is waited out (the proxy sends it on both). */
const retryStatuses = [429, 500, 502, 503, 504]
const waitsRetryAfter = [429, 503]

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function createApi(
  base: string,
  fetchFn: Fetch = fetch,
  timeoutMs = 10_000,
  policy: RetryPolicy = retryPolicy,
  /** Ends every call (the chat's destroy()): each try's own abort hears it, on every browser. */
  signal?: AbortSignal,
): Api {
  /**
   * One call: each try has `timeoutMs` to get an answer (a timeout is not tried again: the visitor is
   * told at once); what can safely go twice is tried again on no answer at all or a 429/5xx, unless
   * the browser is offline or the proxy asks for a wait longer than the policy's longest.
   */
  async function call(
    method: 'get' | 'post' | 'put' | 'delete',
    path: string,
    retries: Idempotent,
    auth?: Credentials,
    body?: unknown,
  ): Promise<Response> {
    const url = base + path
    const label = method.toUpperCase()
    const headers: Record<string, string> = {}
    if (auth) headers.Authorization = `Bearer ${auth.credential}`
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const init: RequestInit = {
      method: label,
      headers,
      // The config is read as the loader preloaded it (<link rel=preload as=fetch crossorigin>),
      // which the browser hands over only to a request like it: its credentials mode, the cache's.
      // Nothing else is ever cached, and no call carries the site's cookies to another origin.
      ...(path === routes.config
        ? { credentials: 'same-origin' }
        : { credentials: 'omit', cache: 'no-store' }),
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }
    for (let retry = 1; ; retry++) {
      // Ended by the chat's destroy(): nothing is asked again.
      if (signal?.aborted) throw new NetworkFailure(label, url, 'aborted')
      const again = retries && retry <= policy.limit
      const abort = new AbortController()
      const stop = () => abort.abort()
      const timer = setTimeout(stop, timeoutMs)
      signal?.addEventListener('abort', stop)
      let response: Response
      try {
        response = await fetchFn(url, { ...init, signal: abort.signal })
      } catch {
        if (signal?.aborted) throw new NetworkFailure(label, url, 'aborted')
        if (abort.signal.aborted)
          throw new TimeoutFailure(label, url, `no reply within ${timeoutMs} ms`)
        // No answer at all: offline, a refused connection. Offline, retrying is pointless.
        if (again && !policy.offline()) {
          await sleep(policy.delayMs(retry))
          continue
        }
        throw new NetworkFailure(label, url, 'network error')
      } finally {
        clearTimeout(timer)
        signal?.removeEventListener('abort', stop)
      }
      if (response.ok) return response
      const retryAfter = parseRetryAfter(response.headers.get('Retry-After'))
      const wait = waitsRetryAfter.includes(response.status) ? retryAfter : undefined
      // Past the longest wait asked for, fail now, so the visitor reads why.
      if (
        again &&
        retryStatuses.includes(response.status) &&
        !((retryAfter ?? 0) > policy.maxRetryAfterMs)
      ) {
        await response.body?.cancel().catch(() => undefined)
        await sleep(wait ?? policy.delayMs(retry))
        continue
      }
      const reply = await readError(response)
      throw new HttpFailure(
        label,
        url,
        response.status,
        reply.code,
        retryAfter,
        reply.message,
        reply.field,
      )
    }
  }

  async function json<T>(
    method: 'get' | 'post',
    path: string,
    check: (v: unknown) => v is T,
    retries: Idempotent,
    auth?: Credentials,
    body?: unknown,
  ): Promise<T> {
    const response = await call(method, path, retries, auth, body)
    const value: unknown = await response.json().catch(() => undefined)
    if (!check(value)) throw new ReplyFailure(method.toUpperCase(), base + path, 'unexpected reply')
    return value
  }

  const put = async (path: string, auth: Credentials, body?: unknown) => {
    await call('put', path, true, auth, body)
  }

  return {
    start: (body) => json('post', routes.start, isStartReply, false, undefined, body),
    send: (auth, body) =>
      json('post', routes.messages(auth.conversationId), isMessageReply, true, auth, body),
    typing: (auth) => put(routes.typing(auth.conversationId), auth),
    cleared: (auth) => put(routes.cleared(auth.conversationId), auth),
    finish: (auth) => put(routes.finish(auth.conversationId), auth),
    rate: (auth, body) => put(routes.rating(auth.conversationId), auth, body),
    leaveMessage: async (body) => {
      await call('post', routes.messagesLeft, false, undefined, body)
    },
    config: () => json('get', routes.config, isWidgetConfig, true),
    erase: async (auth) => {
      await call('delete', routes.conversation(auth.conversationId), true, auth)
    },
    requestTranscript: async (auth, body) => {
      await call('post', routes.transcriptRequests(auth.conversationId), false, auth, body)
    },
  }
}

/** The proxy's error body, as far as it is one: its `code`, `message` and first `details` path. */
async function readError(
  response: Response,
): Promise<{ code?: ErrorBody['code']; message?: string; field?: string }> {
  const body: unknown = await response.json().catch(() => undefined)
  const code = errorCode(body)
  const message = member(body, 'message')
  const field = member(member(member(body, 'details'), '0'), 'path')
  return {
    ...(code && { code }),
    ...(typeof message === 'string' && message && { message: message.slice(0, 300) }),
    ...(typeof field === 'string' && field && { field }),
  }
}

/** The `code` of the proxy's error body, if the body is one (uploads read it from XHR too). */
export function errorCode(body: unknown): ErrorBody['code'] | undefined {
  const code = member(body, 'code')
  return typeof code === 'string' ? (code as ErrorBody['code']) : undefined
}

/** `value[key]`, if `value` is an object (or an array): a reply is read field by field, as unknown. */
function member(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined
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
  return ['conversationId', 'credential', 'expiresAt'].every(
    (key) => typeof member(v, key) === 'string',
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
  return typeof member(v, 'messageId') === 'string' && typeof member(v, 'eventId') === 'number'
}
