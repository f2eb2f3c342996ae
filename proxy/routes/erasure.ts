/**
 * Erasing what the proxy keeps of a conversation (erasure.ts), on request:
 * - DELETE /v1/conversations/:id: its visitor, with the conversation's credential, once it has
 *   ended (a conversation going on would go on in zChat with nothing kept here: 409);
 * - DELETE /admin/conversations/:id: an operator, for a request that came by e-mail, with
 *   `Authorization: Bearer <ADMIN_TOKEN>`; registered only when ADMIN_TOKEN is set (a 404 otherwise).
 * Both answer what was erased, count it (zchat_proxy_erasures_total) and log it: the conversation's
 * id and the counts, never what it said.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { routes } from '../../protocol/wire.ts'
import type { Erase } from '../erasure.ts'
import { ApiError } from '../errors.ts'
import type { EventLog } from '../events/log.ts'
import type { Metrics } from '../metrics.ts'
import type { Visitors } from '../visitors.ts'
import { bearerCheck } from './bearer.ts'
import { authorize, byId } from './guard.ts'

export const adminConversationPath = '/admin/conversations/:id'

type Requester = Parameters<Metrics['countErasure']>[0]

async function eraseAndSay(
  erase: Erase,
  metrics: Metrics,
  log: FastifyBaseLogger,
  conversationId: string,
  by: Requester,
) {
  const erased = await erase(conversationId)
  metrics.countErasure(by)
  log.info({ conversationId, by, ...erased }, 'conversation erased')
  return erased
}

export async function visitorErasureRoutes(
  app: FastifyInstance,
  {
    erase,
    log,
    visitors,
    metrics,
  }: { erase: Erase; log: Pick<EventLog, 'status'>; visitors: Visitors; metrics: Metrics },
) {
  app.delete(byId(routes.conversation), async (request, reply) => {
    const { conversationId } = authorize(request, visitors)
    // Not the conversation route's lookup: that would open a conversation the log has forgotten.
    const status = await log.status(conversationId)
    if (status?.opened && !status.ended)
      throw new ApiError('CONFLICT', 'End the conversation before deleting it')
    const erased = await eraseAndSay(erase, metrics, request.log, conversationId, 'visitor')
    return reply.header('cache-control', 'no-store').send(erased)
  })
}

export async function adminRoutes(
  app: FastifyInstance,
  { erase, token, metrics }: { erase: Erase; token: string; metrics: Metrics },
) {
  const isOperator = bearerCheck(token)
  app.delete(adminConversationPath, async (request, reply) => {
    if (!isOperator(request)) {
      reply.header('www-authenticate', 'Bearer')
      throw new ApiError('AUTHENTICATION_ERROR', 'Admin calls need Authorization: Bearer <token>')
    }
    const { id } = request.params as { id: string }
    const erased = await eraseAndSay(erase, metrics, request.log, id, 'operator')
    return reply.header('cache-control', 'no-store').send(erased)
  })
}
