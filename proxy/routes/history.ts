/**
 * GET /v1/history/:ticket: a visitor's previous conversation, in zChat's external-history format.
 *
 * When a visitor starts a new conversation after an earlier one, the proxy passes zChat an
 * `external_history` URL so the agent sees what was said before. zChat GETs it without headers,
 * so the URL itself carries a read-only ticket: signed, bound to one conversation, valid for an
 * hour (long enough for zChat to fetch it, short enough to be worthless in a log).
 */
import type { FastifyInstance } from 'fastify'
import type { EventLog } from '../events/log.ts'
import type { Visitors } from '../visitors.ts'
import { toExternalHistory } from '../zchat/adapter.ts'

export const historyPath = (ticket: string) => `/v1/history/${ticket}`

export async function historyRoutes(
  app: FastifyInstance,
  { log, tickets }: { log: EventLog; tickets: Visitors },
) {
  app.get(historyPath(':ticket'), async (request, reply) => {
    const { ticket } = request.params as { ticket: string }
    const { conversationId } = tickets.check(ticket)
    const events = await log.readAfter(conversationId, 0)
    return reply.header('cache-control', 'no-store').send(toExternalHistory(events))
  })
}
