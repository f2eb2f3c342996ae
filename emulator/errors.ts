/**
 * zChat's one error shape, `{"message": "...", "status": 422}` (the "Error Response" of every
 * section of docs/zchat/seed/clientapi-v1.md#clientapi-v1), used by the API and the control API
 * alike. Seed silent: whether the HTTP status line repeats `status` (it does here, except under the
 * `failNext` fault's `as: 'body'`), and every status but 422.
 */
import type { FastifyInstance } from 'fastify'

export type ErrorBody = { message: string; status: number }

/** Thrown by handlers; the error handler turns it into the body above with the same HTTP status. */
export class EmulatorError extends Error {
  override name = 'EmulatorError'
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

export function errorBody(status: number, message: string): ErrorBody {
  return { message, status }
}

// Fastify's own failures (body parsing, size limit, content type) carry a code; we only reword them.
const fastifyMessages: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Malformed JSON body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Malformed JSON body: the body is empty',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type: send application/json',
}

function classify(error: unknown): { status: number; message: string } {
  if (error instanceof EmulatorError) return { status: error.status, message: error.message }
  if (typeof error !== 'object' || error === null) return { status: 500, message: 'Internal error' }
  const { statusCode, code, message } = error as {
    statusCode?: unknown
    code?: unknown
    message?: unknown
  }
  const status =
    typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 ? statusCode : 500
  if (status === 500) return { status, message: 'Internal error' }
  const known = typeof code === 'string' ? fastifyMessages[code] : undefined
  return { status, message: known ?? (typeof message === 'string' ? message : 'Request failed') }
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { status, message } = classify(error)
    if (status >= 500) request.log.error({ err: error }, 'emulator error')
    return reply.code(status).send(errorBody(status, message))
  })
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody(404, `Route ${request.method} ${request.url} not found`)),
  )
}
