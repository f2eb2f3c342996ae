/**
 * The zChat ClientApi V1 client: one function per call, the token injected into every body. It
 * sends and answers zChat's own shapes (schemas.ts): the adapter builds and reads them.
 *
 * Failures are classified by type, never by message text: `ZChatHttpError` (zChat answered an
 * error status), `ZChatTimeoutError`, `ZChatNetworkError` (no answer at all) and
 * `ZChatResponseError` (a 2xx whose body is not what the contract says).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { z } from 'zod'
import {
  errorResponse,
  type StartResponse,
  sendMessageResponse,
  startResponse,
  statusResponse,
  type ZChatMessageBody,
  type ZChatStartBody,
  type ZChatUpdateBody,
} from './schemas.ts'

export class ZChatError extends Error {
  override name = 'ZChatError'
  readonly method: string
  readonly path: string
  constructor(message: string, method: string, path: string, options?: ErrorOptions) {
    super(`${message} (${method} ${path})`, options)
    this.method = method
    this.path = path
  }
}
/** zChat's error text is kept this long at most: it ends up in our logs, and a gateway's HTML page can be huge. */
const maxUpstreamMessage = 200

export class ZChatHttpError extends ZChatError {
  override name = 'ZChatHttpError'
  readonly status: number
  readonly upstreamMessage: string
  constructor(status: number, upstreamMessage: string, method: string, path: string) {
    const clipped =
      upstreamMessage.length > maxUpstreamMessage
        ? `${upstreamMessage.slice(0, maxUpstreamMessage)}…`
        : upstreamMessage
    super(`zChat answered ${status}: ${clipped}`, method, path)
    this.status = status
    this.upstreamMessage = clipped
  }
}
export class ZChatTimeoutError extends ZChatError {
  override name = 'ZChatTimeoutError'
}
export class ZChatNetworkError extends ZChatError {
  override name = 'ZChatNetworkError'
}
export class ZChatResponseError extends ZChatError {
  override name = 'ZChatResponseError'
}

export type ZChatClient = {
  start(body: ZChatStartBody): Promise<StartResponse>
  update(hash: string, body: ZChatUpdateBody): Promise<void>
  sendMessage(hash: string, body: ZChatMessageBody): Promise<void>
  typing(hash: string): Promise<void>
  cleared(hash: string): Promise<void>
  finish(hash: string): Promise<void>
}

export type ZChatEndpoint = 'start' | 'update' | 'message' | 'typing' | 'cleared' | 'finish'

/** One call as the metrics see it: its HTTP status, or why there was none worth reading. */
export type ZChatCall = {
  endpoint: ZChatEndpoint
  status: number | 'timeout' | 'network' | 'bad_response'
  ms: number
}

export type ZChatClientOptions = {
  apiUrl: string
  token: string
  /**
   * The token of the update call (the rating), which the document calls "your clientSdk token"
   * while every other call says "your API token". Defaults to `token`.
   */
  updateToken?: string
  timeoutMs: number
  /** Told of every call once it is over, successful or not (for the metrics). */
  onCall?: (call: ZChatCall) => void
}

/** zChat's answers are a few hundred bytes; anything near this is not an answer to read whole. */
const maxAnswerBytes = 256 * 1024

class AnswerTooLarge extends Error {}
class TimedOut extends Error {}

type Answer = { status: number; statusText: string; text: string }

/**
 * One call on node:http(s) with a keep-alive agent: no TCP (and TLS) handshake per call, and none
 * of fetch's per-call objects (a Request, Headers, an AbortSignal with its timer, a web stream),
 * which cost a visitor's message more than the rest of its path (docs/benchmarks.md). Rejects with
 * TimedOut past `timeoutMs` (connect and answer together), AnswerTooLarge past `maxAnswerBytes`,
 * and the socket's own error otherwise; `answered` tells the caller whether a status came back.
 */
function createTransport(base: URL, timeoutMs: number) {
  const secure = base.protocol === 'https:'
  // Idle sockets are dropped after 4 s (or the server's own Keep-Alive hint, if shorter), as
  // fetch's default dispatcher does: before a load balancer cuts them under us.
  const agent = new (secure ? HttpsAgent : HttpAgent)({ keepAlive: true, timeout: 4000 })
  const doRequest = secure ? httpsRequest : httpRequest

  function attempt(
    method: string,
    path: string,
    payload: string,
    state: { answered: boolean },
    retry: boolean,
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      let settled = false
      const finish = (error: Error | null, answer?: Answer) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (error) reject(error)
        else resolve(answer!)
      }
      const req = doRequest({
        agent,
        protocol: base.protocol,
        // An IPv6 literal comes in brackets in a URL, and without them here.
        hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: base.port,
        path: `${base.pathname}${path}`,
        method,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      })
      const timer = setTimeout(() => {
        req.destroy()
        finish(new TimedOut())
      }, timeoutMs)
      req.on('error', (error: NodeJS.ErrnoException) => {
        // Our own destroy (the timeout, an answer too large) has settled it already: no retry.
        if (settled) return
        // A kept-alive socket the server closed just as we sent: the request never reached it,
        // so it goes once more on a new connection (as Node's documentation advises).
        if (retry && req.reusedSocket && !state.answered && error.code === 'ECONNRESET') {
          clearTimeout(timer)
          settled = true
          attempt(method, path, payload, state, false).then(resolve, reject)
          return
        }
        finish(error)
      })
      req.once('response', (res) => {
        state.answered = true
        const declared = Number(res.headers['content-length'])
        if (declared > maxAnswerBytes) {
          res.destroy()
          finish(new AnswerTooLarge())
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.byteLength
          if (size > maxAnswerBytes) {
            res.destroy()
            finish(new AnswerTooLarge())
            return
          }
          chunks.push(chunk)
        })
        res.once('end', () =>
          finish(null, {
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            text:
              chunks.length === 1
                ? chunks[0]!.toString('utf8')
                : Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', (error) => finish(error))
        // The connection dropped before the whole answer came.
        res.once('close', () => {
          if (!res.complete) finish(new Error('zChat closed the connection mid-answer'))
        })
      })
      req.end(payload)
    })
  }

  return (method: string, path: string, body: object, state: { answered: boolean }) =>
    attempt(method, path, JSON.stringify(body), state, true)
}

/** The `status` a body states, as a number, or null when it states none. */
function statusInBody(json: unknown): number | null {
  if (typeof json !== 'object' || json === null) return null
  const status: unknown = Reflect.get(json, 'status')
  const n = typeof status === 'string' && /^\d{3}$/.test(status.trim()) ? Number(status) : status
  return typeof n === 'number' && Number.isInteger(n) ? n : null
}

function statusOf(error: unknown): ZChatCall['status'] {
  if (error instanceof ZChatHttpError) return error.status
  if (error instanceof ZChatTimeoutError) return 'timeout'
  if (error instanceof ZChatResponseError) return 'bad_response'
  return 'network'
}

export function createZChatClient({
  apiUrl,
  token,
  updateToken = token,
  timeoutMs,
  onCall,
}: ZChatClientOptions): ZChatClient {
  const transport = createTransport(new URL(apiUrl.replace(/\/*$/, '/')), timeoutMs)

  async function call<S extends z.ZodType>(
    endpoint: ZChatEndpoint,
    method: string,
    path: string,
    body: object,
    schema: S,
    callToken = token,
  ): Promise<z.infer<S>> {
    const startedAt = performance.now()
    const report = (status: ZChatCall['status']) =>
      onCall?.({ endpoint, status, ms: performance.now() - startedAt })
    try {
      const { status, data } = await send(method, path, { token: callToken, ...body }, schema)
      report(status)
      return data
    } catch (error) {
      report(statusOf(error))
      throw error
    }
  }

  async function send<S extends z.ZodType>(
    method: string,
    path: string,
    body: object,
    schema: S,
  ): Promise<{ status: number; data: z.infer<S> }> {
    const state = { answered: false }
    let response: Answer
    try {
      response = await transport(method, path.slice(1), body, state)
    } catch (error) {
      if (error instanceof AnswerTooLarge) {
        throw new ZChatResponseError(
          `zChat answered more than ${maxAnswerBytes} bytes`,
          method,
          path,
        )
      }
      if (error instanceof TimedOut) {
        throw new ZChatTimeoutError(
          state.answered
            ? `zChat did not finish answering within ${timeoutMs} ms`
            : `zChat did not answer within ${timeoutMs} ms`,
          method,
          path,
          { cause: error },
        )
      }
      throw new ZChatNetworkError(
        state.answered ? 'zChat dropped the connection mid-answer' : 'zChat could not be reached',
        method,
        path,
        { cause: error },
      )
    }
    const { text } = response
    const ok = response.status >= 200 && response.status < 300
    // The document shows no success body for typing / cleared / finish: an empty 2xx is a success.
    if (ok && text.trim() === '' && schema.safeParse({}).success)
      return { status: response.status, data: schema.parse({}) }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      if (!ok)
        throw new ZChatHttpError(
          response.status,
          response.statusText || 'no error body',
          method,
          path,
        )
      throw new ZChatResponseError(
        `zChat answered ${response.status} with a body that is not JSON`,
        method,
        path,
        { cause: error },
      )
    }
    if (!ok) {
      const parsed = errorResponse.safeParse(json)
      throw new ZChatHttpError(
        response.status,
        parsed.success ? parsed.data.message : 'unreadable error body',
        method,
        path,
      )
    }
    // Every body the document shows carries `status`, errors included: an HTTP 200 that says 422
    // is a refusal (docs/zchat/README.md#responses-and-errors), not a success.
    const bodyStatus = statusInBody(json)
    if (bodyStatus !== null && bodyStatus >= 400) {
      const parsedError = errorResponse.safeParse(json)
      throw new ZChatHttpError(
        bodyStatus,
        parsedError.success ? parsedError.data.message : 'unreadable error body',
        method,
        path,
      )
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      throw new ZChatResponseError(
        `zChat answered ${response.status} with an unexpected body`,
        method,
        path,
        { cause: parsed.error },
      )
    }
    return { status: response.status, data: parsed.data }
  }

  const at = (hash: string, suffix = '') => `/interactions/${encodeURIComponent(hash)}${suffix}`

  return {
    start: (body) => call('start', 'POST', '/interactions', body, startResponse),
    async update(hash, body) {
      await call('update', 'PUT', at(hash), body, statusResponse, updateToken)
    },
    async sendMessage(hash, body) {
      await call('message', 'POST', at(hash, '/messages'), body, sendMessageResponse)
    },
    async typing(hash) {
      await call('typing', 'PUT', at(hash, '/typing'), {}, statusResponse)
    },
    async cleared(hash) {
      await call('cleared', 'PUT', at(hash, '/cleared'), {}, statusResponse)
    },
    async finish(hash) {
      await call('finish', 'PUT', at(hash, '/finish'), {}, statusResponse)
    },
  }
}
