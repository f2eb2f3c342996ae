/**
 * One error class for every failure the proxy reports, and the one body shape it is sent in.
 * Routes throw `ApiError`; the app's error handler turns it (and Fastify's own errors) into an
 * `ErrorBody` with the right status.
 */
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodError } from 'zod'
import type { ErrorBody, ErrorCode } from '../protocol/wire.ts'

const statusOf: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  AUTHENTICATION_ERROR: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
}

export class ApiError extends Error {
  override name = 'ApiError'
  readonly status: number
  readonly code: ErrorCode
  readonly details: ErrorBody['details'] | undefined
  constructor(code: ErrorCode, message: string, details?: ErrorBody['details']) {
    super(message)
    this.code = code
    this.details = details
    this.status = statusOf[code]
  }

  toBody(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message }
  }
}

export function validationError(error: ZodError, what: string): ApiError {
  const details = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }))
  return new ApiError('VALIDATION_ERROR', `Invalid ${what}`, details)
}

/**
 * Too many calls from one sender: the same words and Retry-After wherever the limit is counted
 * (the rate-limit plugin's answers and the webhook's own limiter). `statusCode` is what the plugin
 * reads; `retryAfter` what answerError sends.
 */
export function tooManyRequests(seconds: number) {
  return Object.assign(new ApiError('RATE_LIMITED', `Too many requests; retry in ${seconds} s`), {
    retryAfter: seconds,
    statusCode: 429,
  })
}

/** Fastify's own errors carry a code; map the ones a client can cause to our shape. */
function fromFastify(error: FastifyError): ApiError {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('PAYLOAD_TOO_LARGE', 'Request body is too large')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('VALIDATION_ERROR', 'Request body is empty')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('VALIDATION_ERROR', 'Request body is not valid JSON')
  }
  if (error.statusCode === 429) return new ApiError('RATE_LIMITED', error.message)
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new ApiError('VALIDATION_ERROR', 'Request body is not valid JSON')
  }
  if (error.statusCode === 413)
    return new ApiError('PAYLOAD_TOO_LARGE', 'Request body is too large')
  if (error.statusCode === 415)
    return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type')
  return new ApiError('INTERNAL_ERROR', 'Something went wrong on our side')
}

const maxCause = 200

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/** What a failure is answered with; its retryAfter, when it knows when to come back. */
export type ErrorAnswer = { status: number; body: ErrorBody; retryAfter: number | undefined }

/**
 * A failure as the client sees it, logged as the operator needs it: the error handler's answer, and
 * the webhook's (routes/webhook.ts), which answers zChat before Fastify's router.
 */
export function answerError(error: FastifyError | Error, log: FastifyBaseLogger): ErrorAnswer {
  const apiError = error instanceof ApiError ? error : fromFastify(error as FastifyError)
  // An upstream failure carries zChat's own answer as its cause: for the log, not the visitor, and
  // clipped (a gateway's error page can be kilobytes of HTML).
  const cause = error.cause instanceof Error ? clip(error.cause.message, maxCause) : undefined
  if (apiError.status >= 500) log.error({ err: error, cause }, apiError.message)
  else log.info({ code: apiError.code, cause }, apiError.message)
  // A refusal that knows when to come back says so, as the rate limits do.
  const retryAfter: unknown = Reflect.get(apiError, 'retryAfter')
  return {
    status: apiError.status,
    body: apiError.toBody(),
    retryAfter: typeof retryAfter === 'number' ? retryAfter : undefined,
  }
}

export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { status, body, retryAfter } = answerError(error, request.log)
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter))
  return reply.status(status).type('application/json').send(body)
}
