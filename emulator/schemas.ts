/**
 * The emulator's own reading of ClientApi V1, written from the seed (docs/zchat/seed/clientapi-v1.md)
 * and not from the proxy's schemas (proxy/zchat/schemas.ts) or our restatement (docs/zchat/): a
 * misreading in the proxy then fails a test instead of being agreed with.
 *
 * As strict as the seed where it is strict (required fields, enums) and as lenient where it is
 * lenient: `url` is marked optional for every message type, `type` and `media_type` may be null.
 * Seed silent, and the emulator's choices: fields it does not list are ignored; the customer's
 * fields and `tag_ids` are strings (their only examples); `time` must be written exactly as the
 * example (`2019-03-14 00:00:01`), the seed's type being just "datetime".
 */
import { z } from 'zod'

export const mediaTypes = ['TEXT', 'SMS', 'WHATSAPP'] as const
export const messageTypes = ['text', 'image', 'video', 'audio', 'file'] as const
export type MessageType = (typeof messageTypes)[number]
export const moods = ['POSITIVE', 'NEGATIVE'] as const
export type Mood = (typeof moods)[number]

/** The document gives no types for the customer's fields; its examples are strings. */
export const customerFields = z.looseObject({
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  cpf: z.string().nullable().optional(),
})
export type Customer = z.infer<typeof customerFields>

/** POST /interactions: docs/zchat/seed/clientapi-v1.md#start-interaction */
export const startBody = z.looseObject({
  department_id: z.int('department_id: an integer is required'),
  media_type: z.enum(mediaTypes).nullable().optional(),
  customer: customerFields.nullable().optional(),
  /** "Anything you like", as long as it is an object: it comes back on every trigger. */
  extra: z.record(z.string(), z.unknown()).nullable().optional(),
  external_history: z.string().nullable().optional(),
})

/** PUT /interactions/{hash}: docs/zchat/seed/clientapi-v1.md#update-interaction */
export const updateBody = z.looseObject({
  mood: z.enum(moods).optional(),
  tag_ids: z.array(z.string()).optional(),
  customer_key: z.string().optional(),
  note: z.string().optional(),
})

/** POST /interactions/{hash}/messages: docs/zchat/seed/clientapi-v1.md#send-message */
export const messageBody = z.looseObject({
  content: z.string('content: a string is required'),
  type: z.enum(messageTypes).nullable().optional(),
  url: z.string().nullable().optional(),
})

/** The external-history document zChat GETs: docs/zchat/seed/clientapi-v1.md#external-history */
export const historyDocument = z.looseObject({
  messages: z.array(
    z.looseObject({
      time: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'YYYY-MM-DD HH:mm:ss'),
      direction: z.enum(['CLIENT', 'AGENT']),
      content: z.string(),
    }),
  ),
})
export type HistoryMessage = z.infer<typeof historyDocument>['messages'][number]

// ---- What the emulator sends: triggers, shaped as the seed's examples ------------------------
// docs/zchat/seed/clientapi-v1.md#triggers

export type TriggerState = 'queued' | 'accepted' | 'unavailable' | 'finished' | 'typing' | 'cleared'

export type StateTrigger = {
  interaction_hash: string
  state: TriggerState
  position?: number | null
  extra: Record<string, unknown>
}

export type MessageTrigger = {
  interaction_hash: string
  message: { hash: string; content: string; type: MessageType; url: string | null }
  agent: { id: number; name: string }
  extra: Record<string, unknown>
}

// ---- The emulator's answers and triggers, as zod schemas for its own tests --------------------
// Written from the seed's examples: its tests hold every answer to these, never to the proxy's
// schemas, so the two readings of the document stay apart.

/** POST /interactions answers `{"message": "...", "data": {"interaction_hash": "..."}}`. */
export const startAnswer = z.strictObject({
  message: z.string(),
  data: z.strictObject({ interaction_hash: z.string().min(1) }),
})

/** Every error: `{"message": "...", "status": 422}`. */
export const errorAnswer = z.strictObject({ message: z.string(), status: z.int() })

/** Update answers `{"message": "...", "status": 200}`; typing, cleared and finish (seed silent) too. */
export const statusAnswer = z.strictObject({ message: z.string(), status: z.literal(200) })

/** Send message answers `{"data": {"interaction_hash"}, "message", "status": 200}`. */
export const messageAnswer = z.strictObject({
  data: z.strictObject({ interaction_hash: z.string().min(1) }),
  message: z.string(),
  status: z.literal(200),
})

export const triggerStates = [
  'queued',
  'accepted',
  'unavailable',
  'finished',
  'typing',
  'cleared',
] as const

export const stateTriggerBody = z
  .strictObject({
    interaction_hash: z.string().min(1),
    state: z.enum(triggerStates),
    /**
     * Only `queued` carries a position in the seed (its example: 1). Counted from 0 or left out
     * under the `queuedPosition` fault.
     */
    position: z.int().nonnegative().optional(),
    extra: z.record(z.string(), z.unknown()),
  })
  .refine((body) => body.state === 'queued' || body.position === undefined, {
    message: 'only queued carries a position',
  })

export const messageTriggerBody = z.strictObject({
  interaction_hash: z.string().min(1),
  message: z.strictObject({
    hash: z.string().min(1),
    content: z.string(),
    type: z.enum(messageTypes),
    url: z.string().nullable(),
  }),
  agent: z.strictObject({ id: z.int(), name: z.string() }),
  extra: z.record(z.string(), z.unknown()),
})

export const triggerBody = z.union([messageTriggerBody, stateTriggerBody])
export type TriggerBody = z.infer<typeof triggerBody>

export const isMessageTriggerBody = (
  body: TriggerBody,
): body is z.infer<typeof messageTriggerBody> => 'message' in body
