/**
 * The zChat ClientApi V1 client: one function per call, the token injected into every body.
 *
 * Failures are classified by type, never by message text: `ZChatHttpError` (zChat answered an
 * error status), `ZChatTimeoutError`, `ZChatNetworkError` (no answer at all) and
 * `ZChatResponseError` (a 2xx whose body is not what the contract says).
 */
import type { z } from 'zod'
import {
  type Customer,
  errorResponse,
  type MessageType,
  type Mood,
  sendMessageResponse,
  startResponse,
  statusResponse,
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

export type StartInput = {
  departmentId: number
  customer?: Customer
  extra?: Record<string, unknown>
  externalHistory?: string
}
export type MessageInput = { content: string; type?: MessageType; url?: string }
export type UpdateInput = { mood?: Mood; note?: string; tagIds?: string[]; customerKey?: string }

export type ZChatClient = {
  start(input: StartInput): Promise<{ interactionHash: string }>
  update(hash: string, input: UpdateInput): Promise<void>
  sendMessage(hash: string, input: MessageInput): Promise<void>
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
  fetch?: typeof fetch
  /** Told of every call once it is over, successful or not (for the metrics). */
  onCall?: (call: ZChatCall) => void
}

/** zChat's answers are a few hundred bytes; anything near this is not an answer to read whole. */
const maxAnswerBytes = 256 * 1024

class AnswerTooLarge extends Error {}

/** The body as text, refusing (and cancelling) one longer than `max` bytes. */
async function readCapped(response: Response, max: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > max) {
    await response.body?.cancel()
    throw new AnswerTooLarge()
  }
  if (!response.body) return ''
  // A declared length within bounds is all there is to read (HTTP/1.1 framing ends the body there):
  // read it at once, skipping the per-chunk iteration of a web stream, which costs the visitor's
  // message path more than the rest of the call (docs/benchmarks.md).
  if (response.headers.has('content-length')) return response.text()
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.byteLength
    if (size > max) {
      await response.body.cancel().catch(() => {})
      throw new AnswerTooLarge()
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
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
  fetch: doFetch = fetch,
  onCall,
}: ZChatClientOptions): ZChatClient {
  const base = apiUrl.replace(/\/+$/, '')

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
    let response: Response
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new ZChatTimeoutError(`zChat did not answer within ${timeoutMs} ms`, method, path, {
          cause: error,
        })
      }
      throw new ZChatNetworkError('zChat could not be reached', method, path, { cause: error })
    }
    let text: string
    try {
      text = await readCapped(response, maxAnswerBytes)
    } catch (error) {
      if (error instanceof AnswerTooLarge) {
        throw new ZChatResponseError(
          `zChat answered more than ${maxAnswerBytes} bytes`,
          method,
          path,
        )
      }
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new ZChatTimeoutError(
          `zChat did not finish answering within ${timeoutMs} ms`,
          method,
          path,
          { cause: error },
        )
      }
      throw new ZChatNetworkError('zChat dropped the connection mid-answer', method, path, {
        cause: error,
      })
    }
    // The document shows no success body for typing / cleared / finish: an empty 2xx is a success.
    if (response.ok && text.trim() === '' && schema.safeParse({}).success)
      return { status: response.status, data: schema.parse({}) }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      if (!response.ok)
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
    if (!response.ok) {
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
    async start({ departmentId, customer, extra, externalHistory }) {
      const reply = await call(
        'start',
        'POST',
        '/interactions',
        {
          department_id: departmentId,
          media_type: 'TEXT',
          ...(customer && { customer }),
          ...(extra && { extra }),
          ...(externalHistory && { external_history: externalHistory }),
        },
        startResponse,
      )
      return { interactionHash: reply.data.interaction_hash }
    },
    async update(hash, { mood, note, tagIds, customerKey }) {
      await call(
        'update',
        'PUT',
        at(hash),
        {
          ...(mood && { mood }),
          ...(note !== undefined && { note }),
          ...(tagIds && { tag_ids: tagIds }),
          ...(customerKey && { customer_key: customerKey }),
        },
        statusResponse,
        updateToken,
      )
    },
    async sendMessage(hash, { content, type = 'text', url }) {
      await call(
        'message',
        'POST',
        at(hash, '/messages'),
        { content, type, ...(url && { url }) },
        sendMessageResponse,
      )
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
