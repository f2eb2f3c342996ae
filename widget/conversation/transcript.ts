/**
 * What the visitor sees in the log, as plain data. Pure helpers used by the machine: agent messages are
 * de-duplicated by messageId, the visitor's own messages are matched by clientId so the proxy's echo
 * marks the optimistic copy delivered instead of adding a second one.
 */
import type { ConversationEvent } from '../../protocol/wire.ts'

/** `failed` may go again (Retry); `refused` may not: the proxy would refuse it again. */
export type Delivery = 'sending' | 'sent' | 'failed' | 'refused'
export type Media = NonNullable<Extract<ConversationEvent, { type: 'message' }>['media']>
export type IncomingMessage = Extract<ConversationEvent, { type: 'message' }> & { at?: string }

export type VisitorEntry = {
  kind: 'visitor'
  clientId: string
  text: string
  at: string
  delivery: Delivery
  messageId?: string
  /** The visitor's file: until it is uploaded, its local preview (an object URL, '' if not an image). */
  media?: Media
}
export type AgentEntry = {
  kind: 'agent'
  messageId: string
  text: string
  at: string
  agentName?: string
  media?: Media
}
/** "{name} joined the chat"; the name is filled in by the agent's first message (accepted has none). */
export type JoinedEntry = { kind: 'joined'; agentName?: string }
/** Events were lost here: the proxy no longer kept them when this page caught up (see `gap`). */
export type GapEntry = { kind: 'gap' }
export type Entry = VisitorEntry | AgentEntry | JoinedEntry | GapEntry

export function addVisitorDraft(entries: Entry[], entry: VisitorEntry): Entry[] {
  if (entries.some((e) => e.kind === 'visitor' && e.clientId === entry.clientId)) return entries
  return [...entries, entry]
}

export function setDelivery(
  entries: Entry[],
  clientId: string,
  delivery: Delivery,
  messageId?: string,
): Entry[] {
  return entries.map((e) => {
    if (e.kind !== 'visitor' || e.clientId !== clientId) return e
    // The echo may arrive before the 202 reply: once sent, a late failure must not undo it.
    if (e.delivery === 'sent' && delivery !== 'sent') return e
    const next: VisitorEntry = { ...e, delivery }
    if (messageId !== undefined) next.messageId = messageId
    return next
  })
}

/** The visitor's own message as logged by the proxy: reconcile, or restore it after a reload. */
export function addVisitorEcho(entries: Entry[], message: IncomingMessage): Entry[] {
  const match = entries.find(
    (e) =>
      e.kind === 'visitor' &&
      ((message.clientId !== undefined && e.clientId === message.clientId) ||
        e.messageId === message.messageId),
  )
  if (match?.kind === 'visitor') {
    return setDelivery(entries, match.clientId, 'sent', message.messageId)
  }
  const entry: VisitorEntry = {
    kind: 'visitor',
    clientId: message.clientId ?? message.messageId,
    messageId: message.messageId,
    text: message.text,
    at: message.at ?? '',
    delivery: 'sent',
  }
  if (message.media !== undefined) entry.media = message.media
  return [...entries, entry]
}

/** The visitor's file is uploaded: the proxy's copy replaces the local preview. */
export function setVisitorMedia(entries: Entry[], clientId: string, media: Media): Entry[] {
  return entries.map((e) => (e.kind === 'visitor' && e.clientId === clientId ? { ...e, media } : e))
}

/** The visitor cancelled a message before it was sent. */
export function removeVisitorDraft(entries: Entry[], clientId: string): Entry[] {
  return entries.filter(
    (e) => e.kind !== 'visitor' || e.clientId !== clientId || e.delivery === 'sent',
  )
}

export function addAgentMessage(entries: Entry[], message: IncomingMessage): Entry[] {
  if (entries.some((e) => e.kind === 'agent' && e.messageId === message.messageId)) return entries
  const entry: AgentEntry = {
    kind: 'agent',
    messageId: message.messageId,
    text: message.text,
    at: message.at ?? '',
  }
  if (message.agentName !== undefined) entry.agentName = message.agentName
  if (message.media !== undefined) entry.media = message.media
  return nameAgent([...entries, entry], message.agentName)
}

/** Give the latest nameless "joined" line the agent's name; a different agent (transfer) gets a new one. */
function nameAgent(entries: Entry[], agentName: string | undefined): Entry[] {
  if (agentName === undefined) return entries
  const index = entries.findLastIndex((e) => e.kind === 'joined')
  const joined = entries[index]
  if (joined?.kind !== 'joined') return entries
  if (joined.agentName === undefined) {
    return entries.map((e, i) => (i === index ? { kind: 'joined', agentName } : e))
  }
  if (joined.agentName === agentName) return entries
  return [...entries.slice(0, -1), { kind: 'joined', agentName }, ...entries.slice(-1)]
}

export function addJoined(entries: Entry[]): Entry[] {
  return [...entries, { kind: 'joined' }]
}
