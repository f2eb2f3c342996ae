/**
 * GET /v1/history/:ticket: a visitor's previous conversation, in zChat's external-history format.
 *
 * When a visitor starts a new conversation after an earlier one, the proxy passes zChat an
 * `external_history` URL so the agent sees what was said before. zChat GETs it without headers,
 * so the URL itself carries a read-only ticket: signed, bound to one conversation, valid for an
 * as long as a visitor credential (zChat may fetch it whenever the new interaction is open).
 */
import type { FastifyInstance } from 'fastify'
import type { EventLog } from '../events/log.ts'
import type { Visitors } from '../visitors.ts'
import { toExternalHistory } from '../zchat/adapter.ts'

export const historyPath = (ticket: string) => `/v1/history/${ticket}`

/**
 * zChat is Brazilian and the document's times carry no zone: read as Brasília time unless the
 * operator says otherwise (HISTORY_TIME_ZONE).
 */
export const defaultHistoryTimeZone = 'America/Sao_Paulo'

export async function historyRoutes(
  app: FastifyInstance,
  { log, tickets, timeZone }: { log: EventLog; tickets: Visitors; timeZone: string },
) {
  app.get(historyPath(':ticket'), async (request, reply) => {
    const { ticket } = request.params as { ticket: string }
    const { conversationId } = tickets.check(ticket)
    const events = await log.readAfter(conversationId, 0)
    return reply.header('cache-control', 'no-store').send(toExternalHistory(events, timeZone))
  })
}
