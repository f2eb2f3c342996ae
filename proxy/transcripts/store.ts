/**
 * A conversation's transcript, kept apart from its event log and far longer (HISTORY_RETENTION_DAYS):
 * the messages (text, media URL, time, who wrote) and how the conversation ended. The event log
 * forgets an ended conversation after ENDED_RETENTION_MINUTES; the transcript is what zChat's
 * external-history fetch and a visitor who comes back the next day still find.
 *
 * - Only conversations started through this proxy are kept: `begin` at the start, and `record` adds
 *   to a transcript that was begun, never makes one (the webhook serves the whole zChat account).
 * - Bounded: the newest `maxMessages` messages, within `maxBytes` (their JSON); past either the
 *   oldest go, and `dropped` counts them. A message's text is cut at the visitor's own limit, a
 *   media URL longer than a browser takes is not kept.
 * - Kept `retentionMs` after its last write, then forgotten; `erase` forgets it at once (a
 *   visitor's request under the LGPD, routes/erasure.ts, which follows `previous` too).
 *
 * In memory (transcripts/memory.ts) for one process, on Redis (redis/transcripts.ts) for several;
 * both run one contract suite (testing/transcript-store-suite.ts).
 */
import { type LoggedEvent, limits } from '../../protocol/wire.ts'

export type KeptMessage = Extract<LoggedEvent, { type: 'message' }>
export type KeptEnd = Extract<LoggedEvent, { type: 'finished' | 'unavailable' }>
export type KeptRating = Extract<LoggedEvent, { type: 'rated' }>
export type KeptEvent = KeptMessage | KeptEnd | KeptRating

export type Transcript = {
  /** Oldest first, each as the log had it (its id and time included). */
  messages: KeptMessage[]
  /** Older messages let go to stay within the caps. */
  dropped: number
  /** How the conversation ended, once it did (the first end: there is one). */
  ended: KeptEnd | null
  rated: KeptRating | null
  /**
   * Whom the conversation belongs to (identity.ts ownerOf: the signed customer, '' for none), as its
   * start said; null when it was begun without one (taken up again after the log forgot it, or
   * begun before owners were kept): then it is nobody's, and no new conversation carries it.
   */
  owner: string | null
  /**
   * The conversation this one followed, which its visitor proved theirs when starting this one (its
   * credential): its history was shown to this one's agent, and it is erased with this one.
   */
  previous?: string
}

/** What a start says about the conversation it begins (both optional: the log begins it bare). */
export type Beginning = {
  /** Its owner (Transcript.owner); the first one given stays. */
  owner?: string
  /** The conversation it follows (Transcript.previous). */
  previous?: string
}

export type TranscriptStore = {
  /**
   * Starts keeping a conversation (a start through this proxy), with its owner and the conversation
   * it follows when the start says them; keeps what it has (its first owner too) if begun before.
   */
  begin(conversationId: string, beginning?: Beginning): Promise<void>
  /** Adds what the log stored, if a transcript keeps it and the conversation was begun; else nothing. */
  record(conversationId: string, event: LoggedEvent): Promise<void>
  read(conversationId: string): Promise<Transcript | null>
  /** Forgets the conversation's transcript now. */
  erase(conversationId: string): Promise<void>
  close(): Promise<void>
}

export type TranscriptBounds = {
  /** How long a transcript is kept after its last write. */
  retentionMs: number
  maxMessages?: number
  maxBytes?: number
}

export const transcriptDefaults = {
  retentionMs: 30 * 24 * 60 * 60 * 1000,
  /** A long chat is 50 to 100 messages; an agent reading the history wants the latest. */
  maxMessages: 200,
  /** 200 messages of 300 characters; four of the longest a visitor may write (4000 characters). */
  maxBytes: 64 * 1024,
} as const

/** Longer than this, a URL is not one a browser or zChat would open (and not one we wrote). */
const maxUrlLength = 2048
/** As a visitor's name (protocol/wire.ts): what the widget shows as "{name} joined". */
const maxAgentNameLength = 100

/**
 * What of a logged event a transcript keeps, or null: messages (without the widget's clientId,
 * which only matters while the tab that wrote it is open), the end and the rating.
 */
export function toKept(event: LoggedEvent): KeptEvent | null {
  switch (event.type) {
    case 'finished':
    case 'unavailable':
    case 'rated':
      return event
    case 'message': {
      const { id, at, author, messageId, media, agentName } = event
      const kept: KeptMessage = {
        id,
        at,
        type: 'message',
        author,
        messageId,
        text: event.text.slice(0, limits.textLength),
      }
      if (media && media.url.length <= maxUrlLength) kept.media = media
      if (agentName) kept.agentName = agentName.slice(0, maxAgentNameLength)
      return kept
    }
    default:
      return null
  }
}

/** The transcript as the events a stream replays: the messages, the rating and the end, by id. */
export function replayOf(transcript: Transcript): LoggedEvent[] {
  const events: LoggedEvent[] = [...transcript.messages]
  if (transcript.rated) events.push(transcript.rated)
  if (transcript.ended) events.push(transcript.ended)
  return events.sort((a, b) => a.id - b.id)
}
