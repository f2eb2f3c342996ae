/**
 * POST /webhooks/zchat/:secret: zChat's triggers in.
 *
 * zChat signs nothing and sends no sequence numbers, so the sender is authenticated by the secret
 * in the URL (compared in constant time; a wrong one gets the same 404 as any unknown path), and
 * ordering and duplicates are handled by the adapter and the log. The answer is quick: the work is
 * a validation and an append.
 */
import { hash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { ApiError, validationError } from '../errors.ts'
import type { EventLog } from '../events/log.ts'
import type { Metrics } from '../metrics.ts'
import { readTrigger } from '../zchat/adapter.ts'

export type WebhookDeps = {
  log: EventLog
  secret: string
  bodyLimit: number
  perMinute: number
  metrics: Pick<Metrics, 'countTrigger'>
}

/** Compared as digests: equal lengths for timingSafeEqual, and the secret's length never shows. */
/** The answer zChat gets, serialized once. */
const received = JSON.stringify({ received: true })
const json = 'application/json; charset=utf-8'

const digest = (value: string) => hash('sha256', value, 'buffer')

/** The log stores nothing for a repeat (its key was seen) or for what no longer matters after the end. */
async function whyNotStored(log: EventLog, conversationId: string, dedupeKey?: string) {
  if (!dedupeKey) return 'ignored'
  const status = await log.status(conversationId)
  return status?.keys.has(dedupeKey) ? 'duplicate' : 'ignored'
}

export async function webhookRoutes(
  app: FastifyInstance,
  { log, secret, bodyLimit, perMinute, metrics }: WebhookDeps,
) {
  const expected = digest(secret)
  app.post(
    '/webhooks/zchat/:secret',
    {
      bodyLimit,
      config: { rateLimit: { max: perMinute, timeWindow: '1 minute' } },
      // The secret is checked before a byte of the body is read: a forger cannot hold a socket
      // open by sending a body slowly, and gets the same 404 as any unknown path.
      onRequest: (request, reply, done) => {
        const { secret: given } = request.params as { secret: string }
        if (timingSafeEqual(digest(given), expected)) return done()
        metrics.countTrigger('unknown', 'forbidden')
        reply.header('connection', 'close')
        done(new ApiError('NOT_FOUND', 'Not found'))
      },
    },
    async (request, reply) => {
      const read = readTrigger(request.body)
      if (read.kind === 'unknown-state') {
        // Acknowledged, or zChat may retry or give up on us; counted and logged for the operator.
        metrics.countTrigger('unknown', 'ignored')
        request.log.warn(
          { state: read.state.slice(0, 50) },
          'ignored a trigger with an unknown state',
        )
        return reply.status(200).type(json).send(received)
      }
      if (read.kind === 'invalid') {
        metrics.countTrigger('unknown', 'invalid')
        request.log.warn('refused a webhook body that is no zChat trigger')
        throw validationError(read.error, 'zChat trigger')
      }
      const { type } = read
      const { conversationId, event, dedupeKey } = read.adapted
      const logged = await log.append(conversationId, event, dedupeKey)
      metrics.countTrigger(
        type,
        logged ? 'stored' : await whyNotStored(log, conversationId, dedupeKey),
      )
      request.log.debug(
        { conversationId, type: event.type, eventId: logged?.id ?? null },
        'trigger',
      )
      return reply.status(200).type(json).send(received)
    },
  )
}
