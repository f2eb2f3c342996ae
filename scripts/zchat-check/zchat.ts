/**
 * Raw calls to zChat for the check: what came back, byte for byte (up to a bound), and what the
 * proxy's client (proxy/zchat/client.ts) would make of it. The proxy's client cannot be used
 * itself: it keeps no body of a success. Its rules are restated in `readAnswer`, and
 * zchat.test.ts serves the same answers to both so the two cannot drift apart.
 */
import type { z } from 'zod'
import { errorResponse } from '../../proxy/zchat/schemas.ts'

/** What one call saw. */
export type Seen =
  | {
      kind: 'answer'
      status: number
      contentType: string | null
      /** The body, cut at `maxBodyBytes`. */
      text: string
      ms: number
    }
  | { kind: 'timeout'; ms: number }
  | { kind: 'network'; reason: string; ms: number }

/** As the proxy's client: its answers are a few hundred bytes; past this they are not an answer. */
const maxBodyBytes = 256 * 1024

export type ZChatCaller = (method: string, path: string, body: object) => Promise<Seen>

export function createCaller(apiUrl: string, timeoutMs: number): ZChatCaller {
  const base = apiUrl.replace(/\/*$/, '')
  return async (method, path, body) => {
    const startedAt = performance.now()
    const ms = () => Math.round(performance.now() - startedAt)
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      })
      const text = await readCapped(response)
      return {
        kind: 'answer',
        status: response.status,
        contentType: response.headers.get('content-type'),
        text,
        ms: ms(),
      }
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError')
        return { kind: 'timeout', ms: ms() }
      return { kind: 'network', reason: networkReason(error), ms: ms() }
    }
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body) {
    chunks.push(chunk)
    size += chunk.byteLength
    if (size > maxBodyBytes) {
      await response.body.cancel().catch(() => {})
      break
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBodyBytes).toString('utf8')
}

/** The system's word for it (ECONNREFUSED, ENOTFOUND, a certificate error), never a stack. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code
    return code ? `${code}: ${cause.message}` : cause.message
  }
  return error instanceof Error ? error.message : String(error)
}

/** What the proxy's client makes of an answer (proxy/zchat/client.ts, `send`). */
export type Outcome =
  | { kind: 'ok'; data: unknown }
  /** A refusal: an error status, or HTTP 2xx whose body states one (`inBody`). */
  | { kind: 'refused'; status: number; inBody: boolean; message: string | null }
  /** A 2xx the proxy cannot read: not JSON, or not the contract's shape. */
  | { kind: 'unreadable'; reason: string }
  | { kind: 'timeout' }
  | { kind: 'network'; reason: string }

/** The `status` a body states, as a number, or null when it states none. */
export function statusInBody(json: unknown): number | null {
  if (typeof json !== 'object' || json === null) return null
  const status: unknown = Reflect.get(json, 'status')
  const n = typeof status === 'string' && /^\d{3}$/.test(status.trim()) ? Number(status) : status
  return typeof n === 'number' && Number.isInteger(n) ? n : null
}

export function parseJson(text: string): { json: unknown } | null {
  try {
    return { json: JSON.parse(text) }
  } catch {
    return null
  }
}

const errorMessage = (json: unknown) => {
  const parsed = errorResponse.safeParse(json)
  return parsed.success ? parsed.data.message : null
}

export function readAnswer(seen: Seen, schema: z.ZodType): Outcome {
  if (seen.kind === 'timeout') return { kind: 'timeout' }
  if (seen.kind === 'network') return { kind: 'network', reason: seen.reason }
  const { status, text } = seen
  const ok = status >= 200 && status < 300
  // No success body is documented for typing / cleared / finish: an empty 2xx is a success.
  if (ok && text.trim() === '' && schema.safeParse({}).success)
    return { kind: 'ok', data: schema.parse({}) }
  const parsed = parseJson(text)
  if (!parsed) {
    if (!ok) return { kind: 'refused', status, inBody: false, message: null }
    return { kind: 'unreadable', reason: `HTTP ${status} with a body that is not JSON` }
  }
  const { json } = parsed
  if (!ok) return { kind: 'refused', status, inBody: false, message: errorMessage(json) }
  // An HTTP 200 that says 422 is a refusal (docs/zchat/README.md#responses-and-errors).
  const bodyStatus = statusInBody(json)
  if (bodyStatus !== null && bodyStatus >= 400)
    return { kind: 'refused', status: bodyStatus, inBody: true, message: errorMessage(json) }
  const read = schema.safeParse(json)
  if (!read.success) {
    const issue = read.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    return {
      kind: 'unreadable',
      reason: `HTTP ${status} with a body the proxy does not read (${where}${issue?.message ?? 'invalid'})`,
    }
  }
  return { kind: 'ok', data: read.data }
}
