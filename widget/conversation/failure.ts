/**
 * Why a call to the proxy failed, as the conversation reasons about it: one class per kind (HTTP
 * status, timeout, network, unusable reply), classified by type, never by message text. The
 * transport throws these; the conversation only classifies them.
 */
import type { ErrorCode } from '../../proxy/protocol/wire.ts'

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
  readonly code: ErrorCode | undefined
  /** From Retry-After on a 429, in milliseconds. */
  readonly retryAfterMs: number | undefined
  /** The proxy's own words for it (its error body's `message`): why a 4xx was refused. */
  readonly reason: string | undefined
  constructor(
    method: string,
    url: string,
    status: number,
    code: ErrorCode | undefined,
    retryAfterMs: number | undefined,
    reason?: string,
  ) {
    super(method, url, `HTTP ${status}${code ? ` ${code}` : ''}${reason ? `: ${reason}` : ''}`)
    this.status = status
    this.code = code
    this.retryAfterMs = retryAfterMs
    this.reason = reason
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

/** How long a `busy` proxy asked us to wait, in milliseconds, if it said. */
export function retryAfter(error: unknown): number | undefined {
  return error instanceof HttpFailure ? error.retryAfterMs : undefined
}
