/**
 * Injected failures and the other answers to what the seed leaves open, so the proxy can be tested
 * against a slow, failing or confused zChat, and against every reading of the seed's silences
 * (emulator/README.md "Where the seed is silent").
 *
 * The seed is docs/zchat/seed/clientapi-v1.md. Defaults are the emulator's own choices; each field
 * below that answers a silence says which section is silent. API faults apply to `/core/api/v1`
 * only, never to the control API or the console.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { errorBody } from './errors.ts'
import { type MessageType, messageTypes, type TriggerState, triggerStates } from './schemas.ts'

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

export const faultsPatch = z.strictObject({
  latencyMs: z.int().min(0).max(60_000).optional(),
  failNext: z
    .strictObject({
      status: z.int().min(400).max(599),
      count: z.int().min(0),
      /** `body`: HTTP 200 whose body says `{message, status}` (the seed's error shape). */
      as: z.enum(['status', 'body']).default('status'),
      // A gateway in front of zChat may answer with a whole HTML page: long error text.
      message: z.string().min(1).max(100_000).optional(),
    })
    .nullable()
    .optional(),
  /** Unknown interactions answered 422 instead of 404 (the seed shows no other status). */
  unknownAs422: z.boolean().optional(),
  /**
   * The status of a missing or wrong token. The seed shows only 422 ("Error Response" in every
   * section); 401 is our choice.
   */
  tokenStatus: z.union([z.literal(400), z.literal(401), z.literal(403), z.literal(422)]).optional(),
  /**
   * The token the update call takes. The seed's "Update interaction" calls it "your clientSdk
   * token" where every other call says "your API token": null (the default) reads both as one.
   */
  clientSdkToken: z.string().min(1).max(500).nullable().optional(),
  /** The HTTP status of a successful start: the seed shows the body only ("Start interaction"). */
  startStatus: z.union([z.literal(200), z.literal(201)]).optional(),
  /** Typing, cleared and finish answer 204 with no body: the seed shows no success body for them. */
  emptyAnswers: z.boolean().optional(),
  /**
   * What messages, typing, cleared and finish get once the interaction is finished or unavailable:
   * the seed says nothing of calls on an ended interaction. 200 takes the call as if it were open
   * (a message is kept on the ended interaction; no trigger is sent, nothing changes state).
   */
  endedStatus: z
    .union([z.literal(200), z.literal(400), z.literal(404), z.literal(409), z.literal(422)])
    .optional(),
  /**
   * Messages of these types answered 422 while the interaction lives (a URL zChat cannot fetch, a
   * type the account refuses): the seed shows 422 with no meaning attached.
   */
  refuseMessageTypes: z.array(z.enum(messageTypes)).optional(),
  /** Whether an update (the rating) is taken after finish: the seed does not say. */
  updatesAfterFinish: z.enum(['accept', 'refuse']).optional(),
  /**
   * Whether the client's own finish call sends a `finished` trigger back: the seed's trigger is
   * "Agent finish interaction" and says nothing of the client's finish.
   */
  finishTrigger: z.enum(['send', 'omit']).optional(),
  /**
   * The `position` of `queued`: counted from 1 (the seed's one example is 1), from 0, or left out.
   * The seed's "Interaction added to queue" shows one example and no definition.
   */
  queuedPosition: z.enum(['from1', 'from0', 'omit']).optional(),
  /** Whether `queued` is sent again when the queue moves: the seed does not say. */
  queueMoves: z.enum(['announce', 'silent']).optional(),
  /**
   * The start call answers only once its `queued` trigger was delivered: the seed does not say
   * that a trigger waits for the start's answer, so the receiver may hear of a hash first.
   */
  queuedBeforeAnswer: z.boolean().optional(),
  /** Triggers with odd but readable fields: `state` in capitals, `position` a string, `extra` []. */
  oddTriggers: z.boolean().optional(),
  duplicateWebhooks: z.boolean().optional(),
  /**
   * Triggers of these states are never sent, as if lost on the way (zChat's `accepted` lost, so
   * the agent's messages come with no `accepted` before them): the seed promises no delivery.
   */
  lostTriggers: z.array(z.enum(triggerStates)).optional(),
  webhookDelayMs: z.int().min(0).max(60_000).optional(),
  /**
   * How many times a failed delivery (an answer outside 2xx, or none) is tried again, in order,
   * before the next trigger of the interaction. The seed says nothing of the webhook's answer; 0
   * (the default) ignores it. The Sales API's webhooks retry up to 20 times (seed/zenvia-sales-api.txt).
   */
  webhookRetries: z.int().min(0).max(20).optional(),
  /** The wait before each retry. */
  webhookRetryDelayMs: z.int().min(0).max(60_000).optional(),
  /** The external history is fetched this long after the start... */
  historyDelayMs: z.int().min(0).max(86_400_000).optional(),
  /** ...and this many times. */
  historyFetches: z.int().min(1).max(5).optional(),
  /**
   * The zone the history's `time` is read in (each message's `at` in the interaction view): the
   * seed's "External History" writes `2019-03-14 00:00:01` with no zone.
   */
  historyTimeZone: z.string().refine(isTimeZone, 'an IANA time zone').optional(),
  garbageNext: z.int().min(0).optional(),
})
export type FaultsPatch = z.infer<typeof faultsPatch>

type Patched = {
  [K in Exclude<keyof FaultsPatch, 'failNext'>]-?: Exclude<FaultsPatch[K], undefined>
}
export type Faults = Patched & {
  failNext: {
    status: number
    count: number
    as: 'status' | 'body'
    message?: string | undefined
  } | null
}

const none = (): Faults => ({
  latencyMs: 0,
  failNext: null,
  unknownAs422: false,
  tokenStatus: 401,
  clientSdkToken: null,
  startStatus: 200,
  emptyAnswers: false,
  endedStatus: 422,
  refuseMessageTypes: [] as MessageType[],
  updatesAfterFinish: 'accept',
  finishTrigger: 'send',
  queuedPosition: 'from1',
  queueMoves: 'announce',
  queuedBeforeAnswer: false,
  oddTriggers: false,
  duplicateWebhooks: false,
  lostTriggers: [] as TriggerState[],
  webhookDelayMs: 0,
  webhookRetries: 0,
  webhookRetryDelayMs: 200,
  historyDelayMs: 0,
  historyFetches: 1,
  // zChat is Brazilian; the seed gives no zone. The proxy's HISTORY_TIME_ZONE defaults to the same.
  historyTimeZone: 'America/Sao_Paulo',
  garbageNext: 0,
})

// What a misconfigured gateway in front of zChat might answer: a 200 that is not JSON.
const garbage = '<html><body><h1>Service temporarily unavailable</h1></body></html>'

export function createFaults() {
  let current = none()

  return {
    get: (): Faults => current,
    /** Omitted fields keep their value; `failNext: null` (or a count of 0) clears it. */
    apply(patch: FaultsPatch): Faults {
      const { failNext, ...rest } = patch
      const given = Object.fromEntries(
        Object.entries(rest).filter(([, value]) => value !== undefined),
      ) as Partial<Patched>
      current = {
        ...current,
        ...given,
        failNext: failNext === undefined ? current.failNext : failNext?.count ? failNext : null,
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
