/**
 * The conversation a visitor's call is about, as the log has it. One the log has forgotten after it
 * ended is still ended: its transcript answers for it (transcripts/log-with-transcripts.ts). Any
 * other the log has forgotten (a restart of the in-memory log, its idle retention, an erased
 * transcript) is taken up again: we signed the credential, so it started here, and zChat still
 * answers for the interaction itself (404 or 422 if it is over).
 */
import type { FastifyRequest } from 'fastify'
import { ApiError } from '../errors.ts'
import type { ConversationStatus, EventLog } from '../events/log.ts'
import type { Visitors } from '../visitors.ts'
import { authorize } from './guard.ts'

export type VisitorConversation = {
  conversationId: string
  status: ConversationStatus
  /** When the caller's credential stops opening it. */
  expiresAt: Date
}

export async function visitorConversation(
  request: FastifyRequest,
  visitors: Visitors,
  log: EventLog,
): Promise<VisitorConversation> {
  const { conversationId, expiresAt } = authorize(request, visitors)
  let status = await log.status(conversationId)
  if (!status?.opened) {
    await log.open(conversationId)
    status = await log.status(conversationId)
  }
  if (!status) throw new ApiError('NOT_FOUND', 'Conversation not found; please start a new one')
  return { conversationId, status, expiresAt }
}
