/** Shared checks of the visitor routes: body parsing and the visitor's right to a conversation. */
import type { FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { ApiError, validationError } from '../errors.ts'
import type { ConversationStatus, EventLog } from '../events/log.ts'
import type { Visitors } from '../visitors.ts'

/** The route pattern of a path builder: its id segment becomes Fastify's `:id` parameter. */
export const byId = (path: (id: string) => string) => path('\0').replace('%00', ':id')

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
  let status = await log.status(id)
  if (!status?.opened) {
    // We signed this credential, so the conversation started here; the log has forgotten it (a
    // restart of the in-memory log, or retention). Take it up again: the visitor chats on, and
    // zChat still answers for the interaction itself (404 or 422 if it is gone or over).
    await log.open(id)
    status = await log.status(id)
  }
  if (!status) throw new ApiError('NOT_FOUND', 'Conversation not found; please start a new one')
  return { conversationId: id, status }
}

export function assertOpen({ status }: Authorized) {
  if (status.ended) throw new ApiError('CONFLICT', 'This conversation has ended')
}
