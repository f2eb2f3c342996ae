/**
 * GET /v1/history/:ticket: a visitor's previous conversation, in zChat's external-history format.
 *
 * When a visitor starts a new conversation after an earlier one, the proxy passes zChat an
 * `external_history` URL so the agent sees what was said before. zChat GETs it without headers,
 * so the URL itself carries a read-only ticket: signed with a secret of its own (it never passes
 * for a visitor credential), bound to one conversation, kept out of the logs (logger.ts), and valid
 * as long as the transcript it reads can be kept (zChat may fetch it whenever it likes, days later
 * too). The document is read from the transcript (transcripts/store.ts), not the event log, which
 * forgets an ended conversation within the hour; an erased transcript answers no messages.
 */
import type { FastifyInstance } from 'fastify'
import type { TranscriptStore } from '../transcripts/store.ts'
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
  {
    transcripts,
    tickets,
    timeZone,
  }: { transcripts: TranscriptStore; tickets: Visitors; timeZone: string },
) {
  app.get(historyPath(':ticket'), async (request, reply) => {
    const { ticket } = request.params as { ticket: string }
    const { conversationId } = tickets.check(ticket)
    const kept = await transcripts.read(conversationId)
    return reply
      .header('cache-control', 'no-store')
      .send(toExternalHistory(kept?.messages ?? [], timeZone))
  })
}
