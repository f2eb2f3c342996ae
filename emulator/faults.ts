/**
 * Injected failures, so the proxy's handling of a slow, failing or confused zChat can be tested.
 *
 * API faults apply to `/core/api/v1` only, never to the control API or the console.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { errorBody } from './errors.ts'
import { type MessageType, messageTypes } from './schemas.ts'

export const faultsPatch = z.strictObject({
  latencyMs: z.int().min(0).max(60_000).optional(),
  failNext: z
    .strictObject({
      status: z.int().min(400).max(599),
      count: z.int().min(0),
      /** `body`: HTTP 200 whose body says `{message, status}` (the document's error shape). */
      as: z.enum(['status', 'body']).default('status'),
      // A gateway in front of zChat may answer with a whole HTML page: long error text.
      message: z.string().min(1).max(100_000).optional(),
    })
    .nullable()
    .optional(),
  /** Unknown interactions answered 422 instead of 404 (the document shows no other status). */
  unknownAs422: z.boolean().optional(),
  /** Triggers with odd but readable fields: `state` in capitals, `position` a string, `extra` []. */
  oddTriggers: z.boolean().optional(),
  /** The external history is fetched this long after the start... */
  historyDelayMs: z.int().min(0).max(86_400_000).optional(),
  /** ...and this many times. */
  historyFetches: z.int().min(1).max(5).optional(),
  garbageNext: z.int().min(0).optional(),
  /**
   * Messages of these types answered 422 while the interaction lives (a URL zChat cannot fetch, a
   * type the account refuses): the document shows 422 with no meaning attached.
   */
  refuseMessageTypes: z.array(z.enum(messageTypes)).optional(),
  /** Whether an update (the rating) is taken after finish: the document does not say. */
  updatesAfterFinish: z.enum(['accept', 'refuse']).optional(),
  duplicateWebhooks: z.boolean().optional(),
  webhookDelayMs: z.int().min(0).max(60_000).optional(),
})
export type FaultsPatch = z.infer<typeof faultsPatch>

export type Faults = {
  latencyMs: number
  failNext: {
    status: number
    count: number
    as: 'status' | 'body'
    message?: string | undefined
  } | null
  unknownAs422: boolean
  oddTriggers: boolean
  historyDelayMs: number
  historyFetches: number
  garbageNext: number
  refuseMessageTypes: MessageType[]
  updatesAfterFinish: 'accept' | 'refuse'
  duplicateWebhooks: boolean
  webhookDelayMs: number
}

const none = (): Faults => ({
  latencyMs: 0,
  failNext: null,
  unknownAs422: false,
  oddTriggers: false,
  historyDelayMs: 0,
  historyFetches: 1,
  garbageNext: 0,
  refuseMessageTypes: [],
  updatesAfterFinish: 'accept',
  duplicateWebhooks: false,
  webhookDelayMs: 0,
})

// What a misconfigured gateway in front of zChat might answer: a 200 that is not JSON.
const garbage = '<html><body><h1>Service temporarily unavailable</h1></body></html>'

export function createFaults() {
  let current = none()

  return {
    get: (): Faults => current,
    /** Omitted fields keep their value; `failNext: null` (or a count of 0) clears it. */
    apply(patch: FaultsPatch): Faults {
      const { failNext } = patch
      current = {
        latencyMs: patch.latencyMs ?? current.latencyMs,
        failNext: failNext === undefined ? current.failNext : failNext?.count ? failNext : null,
        unknownAs422: patch.unknownAs422 ?? current.unknownAs422,
        oddTriggers: patch.oddTriggers ?? current.oddTriggers,
        historyDelayMs: patch.historyDelayMs ?? current.historyDelayMs,
        historyFetches: patch.historyFetches ?? current.historyFetches,
        garbageNext: patch.garbageNext ?? current.garbageNext,
        refuseMessageTypes: patch.refuseMessageTypes ?? current.refuseMessageTypes,
        updatesAfterFinish: patch.updatesAfterFinish ?? current.updatesAfterFinish,
        duplicateWebhooks: patch.duplicateWebhooks ?? current.duplicateWebhooks,
        webhookDelayMs: patch.webhookDelayMs ?? current.webhookDelayMs,
      }
      return current
    },
    reset(): void {
      current = none()
    },

    /** An `onRequest` hook for the API: wait, then maybe answer in place of the real handler. */
    async onApiRequest(
      _request: FastifyRequest,
      reply: FastifyReply,
    ): Promise<FastifyReply | undefined> {
      if (current.latencyMs > 0) await sleep(current.latencyMs)
      const fail = current.failNext
      if (fail) {
        current = {
          ...current,
          failNext: fail.count > 1 ? { ...fail, count: fail.count - 1 } : null,
        }
        return reply
          .code(fail.as === 'body' ? 200 : fail.status)
          .send(errorBody(fail.status, fail.message ?? `Injected failure: ${fail.status}`))
      }
      if (current.garbageNext > 0) {
        current = { ...current, garbageNext: current.garbageNext - 1 }
        return reply.code(200).type('text/html; charset=utf-8').send(garbage)
      }
      return undefined
    },
  }
}
export type FaultInjector = ReturnType<typeof createFaults>
