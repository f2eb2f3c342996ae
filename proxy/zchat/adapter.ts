/**
 * zChat triggers -> conversation events. Pure: the only place where zChat's field names are
 * turned into ours.
 *
 * Triggers carry no sequence number or timestamp and may come twice, late or out of order
 * (docs/zchat/README.md#trigger-delivery). Each event gets a de-duplication key where repeating it would be
 * wrong: an agent message by its `message.hash`, and the terminal `finished` / `unavailable`
 * states, which can happen once per conversation.
 */
import type { ConversationEvent, MediaKind } from '../protocol/wire.ts'
import { isMessageTrigger, type Trigger } from './schemas.ts'

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

const mediaKinds: ReadonlySet<string> = new Set(['image', 'video', 'audio', 'file'])

/** A documented media type, or 'file' for one zChat invented since; null for text. */
function mediaKind(type: string | null | undefined): MediaKind | null {
  const lower = type?.toLowerCase()
  if (!lower || lower === 'text') return null
  return mediaKinds.has(lower) ? (lower as MediaKind) : 'file'
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
      text: message.content ?? '',
      ...(kind && isWebUrl(message.url) && { media: { kind, url: message.url } }),
      ...(agent?.name && { agentName: agent.name }),
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
