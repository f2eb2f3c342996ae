/**
 * What the proxy keeps of a conversation, erased at once (LGPD art. 18: a visitor may have their
 * data deleted): its event log, its transcript and the visitor's files on disk. The visitor asks
 * from the ended chat (routes/erasure.ts, their credential), an operator for a request that came by
 * e-mail (the admin route, ADMIN_TOKEN).
 *
 * A conversation started after an earlier one carries it (its agent was shown the earlier history,
 * behind a URL zChat keeps): the visitor proved that one theirs with its credential, so it is their
 * data too, and is erased with it, and the one before it, back to the first.
 *
 * What is not here cannot be erased here: zChat's own record of the interaction (the messages, the
 * file URLs, the rating), request log lines (ids, never content) and the counters of uploads per
 * conversation and address, which expire on their own. docs/security.md says so to operators.
 */
import type { ErasedReply } from '../protocol/wire.ts'
import type { EventLog } from './events/log.ts'
import type { MediaStore } from './media/store.ts'
import type { TranscriptStore } from './transcripts/store.ts'

export type Erase = (conversationId: string) => Promise<ErasedReply>

/** Earlier conversations followed at most: a visitor's chats on one site, with room to spare. */
const maxChain = 100

export function createEraser({
  log,
  transcripts,
  media,
}: {
  log: Pick<EventLog, 'erase'>
  transcripts: Pick<TranscriptStore, 'read' | 'erase'>
  media: Pick<MediaStore, 'eraseConversation'>
}): Erase {
  return async (conversationId) => {
    // The chain first, newest to oldest, then erased oldest first: should a store fail half-way, the
    // newest still names the earlier ones and the request can be made again.
    const chain: Array<{ id: string; messages: number }> = []
    for (let id: string | undefined = conversationId; id !== undefined; ) {
      if (chain.length >= maxChain || chain.some((link) => link.id === id)) break
      const kept = await transcripts.read(id)
      chain.push({ id, messages: kept?.messages.length ?? 0 })
      id = kept?.previous
    }
    const erased: ErasedReply = { conversations: 0, events: 0, messages: 0, files: 0 }
    for (const { id, messages } of chain.reverse()) {
      erased.files += await media.eraseConversation(id)
      erased.events += await log.erase(id)
      await transcripts.erase(id)
      erased.messages += messages
      erased.conversations++
    }
    return erased
  }
}
