/**
 * POST /v1/conversations/:id/transcript-requests: the visitor of an ended chat asks for its
 * transcript by e-mail (TRANSCRIPT_BY_EMAIL). The transcript is the one the proxy keeps
 * (transcripts/), never what the browser says was said; it is queued for delivery to the site's
 * LEAVE_MESSAGE_URL like a left message (signed, retried) as a `transcript-requested`, and the site
 * sends the e-mail. Answered 202 at once, as left messages are.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { transcriptRequestBody } from '../../protocol/schemas.ts'
import { routes } from '../../protocol/wire.ts'
import type { Limits } from '../env.ts'
import { ApiError } from '../errors.ts'
import type { EventLog } from '../events/log.ts'
import type { Deliveries, TranscriptRequested } from '../messages-left/delivery.ts'
import type { Transcript, TranscriptStore } from '../transcripts/store.ts'
import type { Visitors } from '../visitors.ts'
import { authorize, byId, parseBody } from './guard.ts'

export type TranscriptRequestDeps = {
  /** null: transcripts by e-mail are off (TRANSCRIPT_BY_EMAIL, LEAVE_MESSAGE_URL) and the route is a 404. */
  deliveries: Deliveries | null
  log: Pick<EventLog, 'status'>
  transcripts: Pick<TranscriptStore, 'read'>
  visitors: Visitors
  limits: Pick<Limits, 'leaveMessagePerMinute' | 'bodyLimitBytes'>
}

/** The transcript as the site receives it: who wrote what and when, the end and the rating. */
function forTheSite(kept: Transcript): TranscriptRequested['transcript'] {
  return {
    messages: kept.messages.map(({ at, author, agentName, text, media }) => ({
      at,
      author,
      ...(agentName && { agentName }),
      text,
      ...(media && { media }),
    })),
    dropped: kept.dropped,
    endedAt: kept.ended?.at ?? null,
    rating: kept.rated?.mood ?? null,
  }
}

export async function transcriptRequestRoutes(
  app: FastifyInstance,
  { deliveries, log, transcripts, visitors, limits }: TranscriptRequestDeps,
) {
  app.post(
    byId(routes.transcriptRequests),
    {
      bodyLimit: limits.bodyLimitBytes,
      // Each request lands in a person's inbox, as a left message does: the same few per minute.
      config: { rateLimit: { max: limits.leaveMessagePerMinute, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      if (!deliveries)
        throw new ApiError('NOT_FOUND', 'Transcripts by e-mail are not enabled on this chat server')
      const { conversationId } = authorize(request, visitors)
      const body = parseBody(transcriptRequestBody, request.body, 'transcript request')
      const status = await log.status(conversationId)
      if (status?.opened && !status.ended)
        throw new ApiError('CONFLICT', 'The conversation has not ended yet')
      const kept = await transcripts.read(conversationId)
      if (!kept?.messages.length)
        throw new ApiError('NOT_FOUND', 'No transcript is kept for this conversation')
      const delivery: TranscriptRequested = {
        type: 'transcript-requested',
        id: randomUUID(),
        receivedAt: new Date().toISOString(),
        conversationId,
        email: body.email,
        ...(body.language && { language: body.language }),
        ...(body.timeZone && { timeZone: body.timeZone }),
        transcript: forTheSite(kept),
      }
      if (!deliveries.accept(delivery)) {
        reply.header('retry-after', '60')
        throw new ApiError(
          'SERVICE_UNAVAILABLE',
          'Too many messages are waiting to be delivered; try again in a minute',
        )
      }
      request.log.info(
        { deliveryId: delivery.id, conversationId },
        'transcript request accepted for delivery',
      )
      return reply.status(202).send({ id: delivery.id })
    },
  )
}
