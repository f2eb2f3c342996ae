/**
 * zChat's shapes <-> ours, both ways. Pure: the only place where zChat's field names meet ours.
 * Triggers and the start's answer in: conversation events and the conversation's id. Out: the
 * bodies the client sends (start, message, update) and the external-history document zChat fetches.
 *
 * Triggers carry no sequence number or timestamp and may come twice, late or out of order
 * (docs/zchat/README.md#trigger-delivery). Each event gets a de-duplication key where repeating it would be
 * wrong: an agent message by its `message.hash`, and the terminal `finished` / `unavailable`
 * states, which can happen once per conversation.
 */

import type { ZodError } from 'zod'
import type { RatingBody, StartBody } from '../../protocol/schemas.ts'
import {
  type AnsweredOn,
  type ConversationEvent,
  type LoggedEvent,
  type Media,
  type MediaKind,
  type Mood,
  mediaKinds,
} from '../../protocol/wire.ts'
import type { VerifiedIdentity } from '../identity.ts'
import {
  type Customer,
  type ExternalHistory,
  isMessageTrigger,
  type StartResponse,
  type Trigger,
  trigger,
  unknownStateTrigger,
  type ZChatMessageBody,
  type ZChatStartBody,
  type ZChatUpdateBody,
} from './schemas.ts'

export type Adapted = { conversationId: string; event: ConversationEvent; dedupeKey?: string }

/** Only web URLs reach the widget; anything else (javascript:, data:) is dropped. */
export function isWebUrl(value: string | null | undefined): value is string {
  if (!value) return false
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

/**
 * Bounds on what an agent's message may make a visitor's page render. zChat documents none
 * (docs/zchat/README.md#no-documented-limits), and the text and name reach the widget as they come:
 * a message of megabytes, or a name that fills the window, costs every visitor who replays it.
 * Cut, never refused: a message lost is worse than one cut short (docs/security.md).
 */
export const agentTextLength = 10_000
export const agentNameLength = 100

/** `text` cut to `max` UTF-16 units, never through a surrogate pair, with `marker` when cut. */
export function truncate(text: string, max: number, marker = ''): string {
  if (text.length <= max) return text
  let end = max - marker.length
  // Not half an emoji: a lone surrogate would render as a replacement character.
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return text.slice(0, end) + marker
}

/** A documented media type, or 'file' for one zChat invented since; null for text. */
function mediaKind(type: string | null | undefined): MediaKind | null {
  const lower = type?.toLowerCase()
  if (!lower || lower === 'text') return null
  return mediaKinds.find((kind) => kind === lower) ?? 'file'
}

/** What a webhook body turned out to be. */
export type ReadTrigger =
  | { kind: 'event'; type: string; adapted: Adapted }
  /** A state added to zChat after this code: acknowledged and counted, not refused. */
  | { kind: 'unknown-state'; state: string }
  | { kind: 'invalid'; error: ZodError }

/** A webhook body, read as liberally as the contract allows, then adapted. */
export function readTrigger(body: unknown): ReadTrigger {
  const parsed = trigger.safeParse(body)
  if (parsed.success) {
    const type = isMessageTrigger(parsed.data) ? 'message' : parsed.data.state
    return { kind: 'event', type, adapted: adaptTrigger(parsed.data) }
  }
  const unknown = unknownStateTrigger.safeParse(body)
  if (unknown.success) return { kind: 'unknown-state', state: unknown.data.state }
  return { kind: 'invalid', error: parsed.error }
}

export function adaptTrigger(trigger: Trigger): Adapted {
  const conversationId = trigger.interaction_hash
  if (isMessageTrigger(trigger)) {
    const { message, agent } = trigger
    const kind = mediaKind(message.type)
    const event: ConversationEvent = {
      type: 'message',
      author: 'agent',
      messageId: message.hash,
      text: truncate(message.content ?? '', agentTextLength, '…'),
      ...(kind && isWebUrl(message.url) && { media: { kind, url: message.url } }),
      ...(agent?.name && { agentName: truncate(agent.name, agentNameLength) }),
    }
    return { conversationId, event, dedupeKey: `agent-message:${message.hash}` }
  }
  switch (trigger.state) {
    case 'queued':
      return { conversationId, event: { type: 'queued', position: trigger.position ?? null } }
    case 'finished':
      return { conversationId, event: { type: 'finished', by: 'agent' }, dedupeKey: 'finished' }
    case 'unavailable':
      return { conversationId, event: { type: 'unavailable' }, dedupeKey: 'unavailable' }
    default:
      return { conversationId, event: { type: trigger.state } }
  }
}

/** zChat's answer to a start: its interaction hash is the conversation's id. */
export function fromStartResponse(reply: StartResponse): { interactionHash: string } {
  return { interactionHash: reply.data.interaction_hash }
}

// ---- Out: our requests -> zChat's bodies ------------------------------------------------------

export type StartRequest = Pick<StartBody, 'visitor' | 'extra'> & {
  /** The page the visitor is on; its URL only when it is a page of the site (routes/page.ts). */
  page?: { url?: string | undefined; title?: string | undefined } | undefined
  department: number
  externalHistory: string | undefined
  /** What the site's server signed: its name, email, phone and CPF win over the visitor's. */
  identity?: VerifiedIdentity | undefined
  /**
   * Answered on the visitor's phone: zChat's media type, and that phone as the customer's, over a
   * signed one (it is where the visitor asked to be answered, not who they are).
   */
  answeredOn?: AnsweredOn | undefined
}

const mediaTypes = { whatsapp: 'WHATSAPP', sms: 'SMS' } as const

/** Digits only, as the document's example (`11991417777`); a Brazilian +55 prefix is dropped. */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  return /^55\d{10,11}$/.test(digits) && phone.trim().startsWith('+') ? digits.slice(2) : digits
}

export function toStartInput({
  department,
  visitor,
  page,
  extra,
  externalHistory,
  identity,
  answeredOn,
}: StartRequest): ZChatStartBody {
  const signed = definedOnly(identity)
  const person = { ...visitor, ...signed }
  const customer: Customer = {}
  if (person.name) customer.name = person.name
  if (person.email) customer.email = person.email
  const phone = answeredOn?.phone ?? (person.phone && normalizePhone(person.phone))
  if (phone) customer.phone = phone
  // Digits only, as the document's example (`12345678900`).
  const cpf = person.cpf?.replace(/\D/g, '')
  if (cpf) customer.cpf = cpf
  return {
    department_id: department,
    // TEXT is the only media type the document names for a web chat.
    media_type: answeredOn ? mediaTypes[answeredOn.channel] : 'TEXT',
    ...(Object.keys(customer).length > 0 && { customer }),
    // Echoed on every trigger by zChat (docs/zchat/README.md#what-you-send): kept small. The
    // site's keys stay as they are; ours are namespaced with `widget_`, which sites may not use.
    // The customer's details look the same to the agent whether the visitor typed them or the
    // site's server signed them: widget_identity_verified says whether the site vouched for the
    // visitor, and widget_verified_fields which details it signed (the others were typed).
    extra: {
      ...extra,
      widget_channel: 'web',
      widget_identity_verified: identity !== undefined,
      ...(identity && { widget_verified_fields: Object.keys(signed).join(',') }),
      ...(page?.url && { widget_page_url: page.url }),
      ...(page?.title && { widget_page_title: page.title }),
    },
    ...(externalHistory && { external_history: externalHistory }),
  }
}

/** The signed name, email, phone and CPF, without the keys the signer left out. */
function definedOnly(identity: VerifiedIdentity | undefined) {
  const { name, email, phone, cpf } = identity ?? {}
  return {
    ...(name && { name }),
    ...(email && { email }),
    ...(phone && { phone }),
    ...(cpf && { cpf }),
  }
}

/**
 * What only the site may set on a new interaction: the verified customer key, and tag ids from the
 * signed identity and the department's settings (DEPARTMENT_TAGS), once each. zChat takes them in
 * the update call only; null when there is nothing to send.
 */
export function toCustomerUpdate(
  identity: VerifiedIdentity | undefined,
  departmentTags: readonly string[] = [],
): ZChatUpdateBody | null {
  const tagIds = [...new Set([...departmentTags, ...(identity?.tagIds ?? [])])]
  const update: ZChatUpdateBody = {
    ...(identity?.customerKey && { customer_key: identity.customerKey }),
    ...(tagIds.length > 0 && { tag_ids: tagIds }),
  }
  return Object.keys(update).length > 0 ? update : null
}

/**
 * A visitor's message. A file goes as its kind with its URL, which zChat and the agent GET
 * themselves; `content` is required (docs/zchat/clientapi-v1.md#send-a-message), so a file sent
 * without a caption carries its name.
 */
export function toMessageInput(
  text: string,
  media?: Pick<Media, 'kind' | 'url' | 'name'>,
): ZChatMessageBody {
  if (!media) return { content: text, type: 'text' }
  return { content: text || media.name || media.kind, type: media.kind, url: media.url }
}

const zchatMoods: { [M in Mood]: Uppercase<M> } = { positive: 'POSITIVE', negative: 'NEGATIVE' }

export function toRatingInput({ mood, comment }: RatingBody): ZChatUpdateBody {
  return { mood: zchatMoods[mood], ...(comment && { note: comment }) }
}

const historyFormats = new Map<string, Intl.DateTimeFormat>()

/**
 * "YYYY-MM-DD HH:mm:ss" in `timeZone`: the document's format, which carries no zone
 * (docs/zchat/README.md#external-history-timing), so the zone is a setting.
 */
export function formatHistoryTime(iso: string, timeZone: string): string {
  let format = historyFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    historyFormats.set(timeZone, format)
  }
  const part = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]))
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`
}

/** A conversation's messages as the external-history document zChat GETs. */
export function toExternalHistory(
  events: readonly LoggedEvent[],
  timeZone: string,
): ExternalHistory {
  return {
    messages: events.flatMap((event) =>
      event.type === 'message'
        ? [
            {
              time: formatHistoryTime(event.at, timeZone),
              direction: event.author === 'agent' ? ('AGENT' as const) : ('CLIENT' as const),
              content: event.media ? `${event.text} ${event.media.url}`.trim() : event.text,
            },
          ]
        : [],
    ),
  }
}
