/**
 * The zChat ClientApi V1 contract (docs/zchat/clientapi-v1.md) as zod schemas: the proxy's reading
 * of it (docs/zchat/README.md#how-this-project-reads-it).
 *
 * One module: the bodies the proxy's client sends, the answers it reads and the triggers its webhook
 * reads (the emulator keeps its own reading, emulator/schemas.ts).
 * Parsing is tolerant where the document is vague: an interaction hash is an opaque string
 * (the documented example is not a canonical UUID), `url` may be absent or null, and unknown
 * extra fields are kept (`looseObject`) so a newer zChat does not break us.
 */
import { z } from 'zod'
import { type Mood, mediaKinds } from '../../protocol/wire.ts'

/** Opaque id. Never parsed; bounded so a hostile sender cannot make us store megabytes of key. */
export const interactionHash = z.string().min(1).max(200)

/** A text, or a file of one of our media kinds, which are zChat's names (protocol/wire.ts). */
export const messageType = z.enum(['text', ...mediaKinds] as const)
export type MessageType = z.infer<typeof messageType>
/** zChat's moods are ours in capitals (`POSITIVE`, `NEGATIVE`): the adapter maps one to the other. */
export type ZChatMood = Uppercase<Mood>

export const customer = z.looseObject({
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  cpf: z.string().nullish(),
})
export type Customer = z.infer<typeof customer>

// ---- Requests -------------------------------------------------------------------------------

// Built by the adapter and sent by the client, which adds the token; checked by the emulator's own
// reading of the contract (emulator/schemas.ts), so they are types: no schema here would be used.

export type ZChatStartBody = {
  department_id: number
  media_type: 'TEXT' | 'WHATSAPP' | 'SMS'
  customer?: Customer
  extra?: Record<string, unknown>
  external_history?: string
}
export type ZChatMessageBody = { content: string; type: MessageType; url?: string }
export type ZChatUpdateBody = {
  mood?: ZChatMood
  note?: string
  tag_ids?: string[]
  customer_key?: string
}

// ---- Responses ------------------------------------------------------------------------------

export const startResponse = z.looseObject({
  message: z.string().optional(),
  data: z.looseObject({ interaction_hash: interactionHash }),
})
export type StartResponse = z.infer<typeof startResponse>

export const sendMessageResponse = z.looseObject({
  message: z.string().optional(),
  status: z.union([z.number(), z.string()]).optional(),
  data: z.looseObject({ interaction_hash: interactionHash }).optional(),
})

/** Update, typing, cleared and finish: the document shows `{message, status}` for update only. */
export const statusResponse = z.looseObject({
  message: z.string().optional(),
  status: z.union([z.number(), z.string()]).optional(),
})
export type StatusResponse = z.infer<typeof statusResponse>

export const errorResponse = z.looseObject({
  message: z.string(),
  status: z.union([z.number(), z.string()]).optional(),
})
export type ErrorResponse = z.infer<typeof errorResponse>

// ---- External history -----------------------------------------------------------------------

export const historyDirection = z.enum(['CLIENT', 'AGENT'])
/** "YYYY-MM-DD HH:mm:ss", as in the document. */
export const historyTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
export const externalHistory = z.looseObject({
  messages: z.array(
    z.looseObject({ time: historyTime, direction: historyDirection, content: z.string() }),
  ),
})
export type ExternalHistory = z.infer<typeof externalHistory>

// ---- Webhook triggers -----------------------------------------------------------------------

// Be liberal in what triggers carry (docs/zchat/README.md#trigger-delivery): a `finished` lost
// over a field's spelling would leave a visitor waiting for ever. `extra` is never read back (we
// know what we sent), so any value is fine; a state is case-folded; a position may come as a string.
const extra = z.unknown().optional()
const foldedText = (value: unknown) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value
const numberish = (value: unknown) =>
  typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value

export const triggerStates = [
  'queued',
  'accepted',
  'unavailable',
  'finished',
  'typing',
  'cleared',
] as const

export const stateTrigger = z.looseObject({
  interaction_hash: interactionHash,
  state: z.preprocess(foldedText, z.enum(triggerStates)),
  // A position we cannot read is no reason to drop the trigger: the visitor is queued either way.
  position: z.preprocess(numberish, z.number().int().nonnegative().nullish()).catch(null),
  extra,
})
export type StateTrigger = z.infer<typeof stateTrigger>
export type TriggerState = StateTrigger['state']

export const messageTrigger = z.looseObject({
  interaction_hash: interactionHash,
  message: z.looseObject({
    hash: z.string().min(1).max(200),
    content: z.string().nullish(),
    // Documented: text, image, video, audio, file. Anything else is kept, not refused: a message
    // zChat sends is never lost over a type name (the adapter maps unknown ones).
    type: z.preprocess(foldedText, z.union([messageType, z.string().max(50)]).nullish()),
    url: z.string().nullish(),
  }),
  agent: z
    .looseObject({ id: z.union([z.number(), z.string()]).nullish(), name: z.string().nullish() })
    .nullish(),
  extra,
})
export type MessageTrigger = z.infer<typeof messageTrigger>

/** A state this code does not know yet: acknowledged and ignored rather than refused. */
export const unknownStateTrigger = z.looseObject({
  interaction_hash: interactionHash,
  state: z.string().min(1).max(50),
})

/** Anything zChat POSTs to the webhook URL. A message trigger has no `state`. */
export const trigger = z.union([messageTrigger, stateTrigger])
export type Trigger = z.infer<typeof trigger>

export function isMessageTrigger(t: Trigger): t is MessageTrigger {
  return 'message' in t && typeof t.message === 'object' && t.message !== null
}
