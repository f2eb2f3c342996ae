/** Checks shared by the visitor routes: body parsing and the visitor's right to a conversation. Checks only: nothing here writes. */
import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { ApiError, validationError } from '../errors.ts'
import type { ConversationStatus } from '../events/log.ts'
import type { VisitorCredential, Visitors } from '../visitors.ts'

/** The route pattern of a path builder: its id segment becomes Fastify's `:id` parameter. */
export const byId = (path: (id: string) => string) => path('\0').replace('%00', ':id')

export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body ?? {})
  if (!parsed.success) throw validationError(parsed.error, what)
  return parsed.data
}

/** The conversation the caller's credential opens: 401 without a genuine one, 403 for another's. */
export function authorize(request: FastifyRequest, visitors: Visitors): VisitorCredential {
  const { id } = request.params as { id: string }
  return visitors.verify(request.headers.authorization, id)
}

export function assertOpen(status: ConversationStatus) {
  if (status.ended) throw new ApiError('CONFLICT', 'This conversation has ended')
}
