/**
 * Why a call to the proxy failed, as the conversation reasons about it: one class per kind (HTTP
 * status, timeout, network, unusable reply), classified by type, never by message text. The
 * transport throws these; the conversation only classifies them.
 */
import type { ErrorCode } from '../../protocol/wire.ts'

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
  /** The field the proxy refused (its error body's first `details` path), e.g. `upload`. */
  readonly field: string | undefined
  constructor(
    method: string,
    url: string,
    status: number,
    code: ErrorCode | undefined,
    retryAfterMs: number | undefined,
    reason?: string,
    field?: string,
  ) {
    super(method, url, `HTTP ${status}${code ? ` ${code}` : ''}${reason ? `: ${reason}` : ''}`)
    this.status = status
    this.code = code
    this.retryAfterMs = retryAfterMs
    this.reason = reason
    this.field = field
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

/**
 * Why the proxy refused a message for good (a 4xx but 401/403/404/409/429), if it did: sending it
 * again would be refused again, so the visitor is told why and offered no Retry. `file-gone`: its
 * upload expired or was swept (a 422 on `upload`); they can attach the file again. `declined`: zChat
 * refused it (a 422 on `upstream`) while the conversation goes on.
 */
export type SendRefusal = 'file-gone' | 'declined' | 'refused'

export function refusalOf(error: unknown): SendRefusal | undefined {
  if (!(error instanceof HttpFailure) || classify(error) !== 'rejected') return undefined
  return error.field === 'upload'
    ? 'file-gone'
    : error.field === 'upstream'
      ? 'declined'
      : 'refused'
}

/** How long a `busy` proxy asked us to wait, in milliseconds, if it said. */
export function retryAfter(error: unknown): number | undefined {
  return error instanceof HttpFailure ? error.retryAfterMs : undefined
}
