/**
 * The per-conversation event log: the record of a conversation and the source of the SSE stream.
 *
 * Ids are monotonic per conversation and double as SSE ids, so a reconnect with Last-Event-ID
 * replays exactly what was missed. The in-memory log is the embedded default; a Redis log fills
 * the same interface when several proxy instances share the work.
 */
import type { ConversationEvent, LoggedEvent } from '../../protocol/wire.ts'

export type ConversationStatus = { opened: boolean; ended: boolean; keys: ReadonlySet<string> }

export type Listener = (event: LoggedEvent) => void

export type EventLog = {
  /** Marks a conversation as started through this proxy: only opened ones are served. */
  open(conversationId: string): Promise<void>
  status(conversationId: string): Promise<ConversationStatus | null>
  /**
   * Appends an event and notifies subscribers. Returns null, and stores nothing, when `dedupeKey`
   * was seen before or when the conversation has ended and the event no longer matters.
   */
  append(
    conversationId: string,
    event: ConversationEvent,
    dedupeKey?: string,
  ): Promise<LoggedEvent | null>
  /** Events with id > afterId, oldest first; at most `limit` of them when given. */
  readAfter(conversationId: string, afterId: number, limit?: number): Promise<LoggedEvent[]>
  /**
   * The id of the last event dropped because the conversation outgrew its cap (0: none was). A
   * reader resuming below it missed events: the SSE route tells it to reload the transcript.
   */
  droppedThrough(conversationId: string): Promise<number>
  /**
   * Takes `key` for `ttlMs` unless someone holds it: one instance at a time calls zChat for the same
   * visitor message (a retry that reached another instance). False: it is taken.
   */
  claim(conversationId: string, key: string, ttlMs: number): Promise<boolean>
  release(conversationId: string, key: string): Promise<void>
  /**
   * Forgets the conversation now: its events and de-duplication keys (a visitor's or an operator's
   * erasure, routes/erasure.ts). Resolves with how many events it held; 0 when it held none.
   */
  erase(conversationId: string): Promise<number>
  /**
   * Live appends to a conversation once it is opened here or has ended: the Redis log relays no
   * other (the routes open a conversation before serving its stream, which reads the log first).
   */
  subscribe(conversationId: string, listener: Listener): () => void
  /** Whether the store answers (for /readyz). */
  healthy(): Promise<boolean>
  /** What is held now (for /metrics); `bytes` as counted against the memory budget (0 on Redis). */
  stats(): { conversations: number; events: number; bytes: number }
  close(): Promise<void>
}

export const endingEvents: ReadonlySet<ConversationEvent['type']> = new Set([
  'finished',
  'unavailable',
])

/** After the end, only messages (a late agent reply) and the rating still mean something. */
export function mattersAfterEnd(event: ConversationEvent): boolean {
  return event.type === 'message' || event.type === 'rated'
}

/**
 * Why a conversation (or an event) was forgotten: a label of the evictions metric. Retention:
 * `ended`, `idle`, `unopened`. Caps: `cap` (MAX_CONVERSATIONS), `unopened-cap` (UNOPENED_MAX_*),
 * `budget` (EVENT_LOG_MAX_BYTES); `event-cap` counts events dropped from one conversation
 * (MAX_EVENTS_PER_CONVERSATION, MAX_BYTES_PER_CONVERSATION).
 */
export type EvictionReason =
  | 'ended'
  | 'idle'
  | 'unopened'
  | 'cap'
  | 'event-cap'
  | 'unopened-cap'
  | 'budget'

/** Evictions that say memory is short, not that time passed: the ones worth a warning. */
export const pressureReasons: ReadonlySet<EvictionReason> = new Set([
  'cap',
  'event-cap',
  'unopened-cap',
  'budget',
])

const mib = 1024 * 1024

/** What both logs keep when not told otherwise (the settings' defaults, for tests and tools). */
export const logDefaults = {
  endedRetentionMs: 60 * 60 * 1000,
  idleRetentionMs: 24 * 60 * 60 * 1000,
  /** Triggers for interactions never opened here: zChat may send `queued` before start answers. */
  unopenedMs: 2 * 60 * 1000,
  maxEventsPerConversation: 2000,
  maxBytesPerConversation: 1 * mib,
  /** Interactions never opened here, held at once (the webhook serves the whole zChat account). */
  unopenedMaxConversations: 2000,
  unopenedMaxBytes: 8 * mib,
  /** The in-memory log in all (Redis is bounded by its maxmemory). */
  maxBytes: 96 * mib,
} as const
