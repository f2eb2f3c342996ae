/** Shared checks of the visitor routes: body parsing and the visitor's right to a conversation. */
import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { ApiError, validationError } from '../errors.ts'
import type { ConversationStatus, EventLog } from '../events/log.ts'
import type { Visitors } from '../visitors.ts'

export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body ?? {})
  if (!parsed.success) throw validationError(parsed.error, what)
  return parsed.data
}

export type Authorized = { conversationId: string; status: ConversationStatus }

export async function authorize(
  request: FastifyRequest,
  visitors: Visitors,
  log: EventLog,
): Promise<Authorized> {
  const { id } = request.params as { id: string }
  visitors.verify(request.headers.authorization, id)
  const status = await log.status(id)
  // A valid credential for a conversation this proxy no longer knows (expired from the log).
  if (!status?.opened)
    throw new ApiError('NOT_FOUND', 'Conversation not found; please start a new one')
  return { conversationId: id, status }
}

export function assertOpen({ status }: Authorized) {
  if (status.ended) throw new ApiError('CONFLICT', 'This conversation has ended')
}
