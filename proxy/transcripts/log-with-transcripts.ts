/**
 * The event log as the routes see it, with the transcripts behind it:
 * - a conversation opened here begins its transcript, and what the log stores that a transcript
 *   keeps (messages, the end, the rating) is recorded in it, whichever way it came: zChat's
 *   webhook, the visitor's calls, a zChat refusal that ended the conversation. One place, so no
 *   route can forget to;
 * - once the log has forgotten an ended conversation (ENDED_RETENTION_MINUTES), the conversation is
 *   answered from its transcript, for as long as that is kept (HISTORY_RETENTION_DAYS, at least
 *   SESSION_TTL_HOURS): it is still ended, so the visitor's message is refused (409) instead of sent
 *   into the finished interaction, which zChat might take; and its stream replays the kept messages,
 *   the rating and the end with the ids and times they had, so a visitor who comes back sees the
 *   chat as it ended and can start a new one that carries it.
 * A conversation the log forgot that had not ended is taken up again as before (routes/conversation.ts).
 */
import type { LoggedEvent } from '../../protocol/wire.ts'
import type { ConversationStatus, EventLog } from '../events/log.ts'
import { replayOf, type Transcript, type TranscriptStore, toKept } from './store.ts'

/** The de-duplication keys of what the transcript kept, as the log would have them. */
function keysOf(kept: Transcript & { ended: NonNullable<Transcript['ended']> }): Set<string> {
  const keys = new Set<string>([kept.ended.type])
  if (kept.rated) keys.add('rated')
  return keys
}

export function logWithTranscripts(
  log: EventLog,
  transcripts: TranscriptStore,
  /** A transcript write failed: the conversation goes on, its history misses that entry. */
  onError: (error: unknown, conversationId: string) => void,
): EventLog {
  /** The transcript that answers for `id`, when the log has forgotten it and it had ended. */
  async function keptEnded(id: string, status: ConversationStatus | null) {
    if (status?.opened) return null
    const kept = await transcripts.read(id)
    return kept?.ended ? { ...kept, ended: kept.ended } : null
  }

  return {
    async open(id) {
      await log.open(id)
      await transcripts.begin(id)
    },
    async status(id) {
      const status = await log.status(id)
      const kept = await keptEnded(id, status)
      return kept ? { opened: true, ended: true, keys: keysOf(kept) } : status
    },
    async append(id, event, dedupeKey) {
      const logged = await log.append(id, event, dedupeKey)
      if (logged && toKept(logged)) {
        await transcripts.record(id, logged).catch((error: unknown) => onError(error, id))
      }
      return logged
    },
    async readAfter(id, afterId, limit) {
      const [events, status] = await Promise.all([
        log.readAfter(id, afterId, limit),
        log.status(id),
      ])
      const kept = await keptEnded(id, status)
      if (!kept) return events
      const replay: LoggedEvent[] = replayOf(kept).filter((e) => e.id > afterId)
      return limit === undefined ? replay : replay.slice(0, limit)
    },
    async droppedThrough(id) {
      const kept = await keptEnded(id, await log.status(id))
      if (!kept) return log.droppedThrough(id)
      // The stream says some earlier messages are missing when the transcript let them go.
      return kept.dropped > 0 ? (kept.messages[0]?.id ?? kept.ended.id) - 1 : 0
    },
    claim: (id, key, ttlMs) => log.claim(id, key, ttlMs),
    release: (id, key) => log.release(id, key),
    erase: (id) => log.erase(id),
    subscribe: (id, listener) => log.subscribe(id, listener),
    healthy: () => log.healthy(),
    stats: () => log.stats(),
    close: () => log.close(),
  }
}
