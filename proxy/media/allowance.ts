/**
 * What visitors may upload, before a byte of a file is read: files and bytes per conversation
 * (UPLOADS_PER_CONVERSATION, MEDIA_QUOTA_PER_CONVERSATION_BYTES), counted as long as its credential
 * lasts, and bytes per client address (MEDIA_QUOTA_PER_IP_BYTES), counted for MEDIA_RETENTION_HOURS:
 * about the most of MEDIA_QUOTA_BYTES one address can hold, whatever the number of conversations
 * it starts. This process's count (below), or every instance's on Redis (redis/quotas.ts).
 *
 * An upload takes its share first, the check and the take in one step, so uploads that arrive
 * together cannot pass a cap; what it took beyond the file's real size (all of it, for a refused
 * upload) is given back when it is done.
 */
import type { Limits } from '../env.ts'

export type UploadCaps = {
  filesPerConversation: number
  bytesPerConversation: number
  bytesPerAddress: number
  /** How long a conversation's count lasts from its first upload. */
  conversationMs: number
  /** How long an address's count lasts from its first upload. */
  addressMs: number
}

export function uploadCaps(
  limits: Pick<
    Limits,
    | 'uploadsPerConversation'
    | 'mediaQuotaPerConversationBytes'
    | 'mediaQuotaPerIpBytes'
    | 'mediaRetentionMs'
  >,
  /** A visitor's credential's lifetime: as long as the conversation can upload. */
  conversationMs: number,
): UploadCaps {
  return {
    filesPerConversation: limits.uploadsPerConversation,
    bytesPerConversation: limits.mediaQuotaPerConversationBytes,
    bytesPerAddress: limits.mediaQuotaPerIpBytes,
    conversationMs,
    addressMs: limits.mediaRetentionMs,
  }
}

/**
 * Who uploads: the conversation, and the client as every per-client limit counts it
 * (client-address.ts): the address TRUST_PROXY lets Fastify read, an IPv6 one by its prefix.
 */
export type Uploader = { conversationId: string; address: string }

/** The cap an upload would pass. */
export type UploadShortfall = 'files' | 'conversation-bytes' | 'address-bytes'

export type UploadAllowance = {
  /** Takes one file and `bytes` for `who`, or nothing: which cap it would pass, null when taken. */
  take(who: Uploader, bytes: number): Promise<UploadShortfall | null>
  /** The upload is done: `size` bytes were kept (null: none, and the file does not count). */
  settle(who: Uploader, taken: number, size: number | null): Promise<void>
}

type Count = { files: number; bytes: number; until: number }

/**
 * Counts by key, each for `ttlMs` from its first take. Kept in order of first take, so they lapse
 * in that order and are pruned from the front as they are read; past `maxKeys`, the oldest is
 * forgotten early.
 */
function createWindows(ttlMs: number, now: () => number) {
  const counts = new Map<string, Count>()
  function find(key: string): Count | undefined {
    const t = now()
    for (const [oldest, count] of counts) {
      if (count.until > t) break
      counts.delete(oldest)
    }
    return counts.get(key)
  }
  function open(key: string): Count {
    const found = find(key)
    if (found) return found
    if (counts.size >= maxKeys) counts.delete(counts.keys().next().value!)
    const created = { files: 0, bytes: 0, until: now() + ttlMs }
    counts.set(key, created)
    return created
  }
  return { find, open, size: () => counts.size }
}

/**
 * A bound on the conversations and addresses one process remembers (about a hundred bytes each):
 * one forgotten early may upload again, which beats memory that grows with every address there is.
 */
const maxKeys = 100_000

/** One process's count: a bound, not a record (forgotten on restart). */
export function processAllowance(
  caps: UploadCaps,
  now: () => number = Date.now,
): UploadAllowance & { tracked(): number } {
  const conversations = createWindows(caps.conversationMs, now)
  const addresses = createWindows(caps.addressMs, now)
  return {
    async take({ conversationId, address }, bytes) {
      const conversation = conversations.find(conversationId)
      const sender = addresses.find(address)
      if ((conversation?.files ?? 0) + 1 > caps.filesPerConversation) return 'files'
      if ((conversation?.bytes ?? 0) + bytes > caps.bytesPerConversation)
        return 'conversation-bytes'
      if ((sender?.bytes ?? 0) + bytes > caps.bytesPerAddress) return 'address-bytes'
      const taken = conversations.open(conversationId)
      taken.files++
      taken.bytes += bytes
      addresses.open(address).bytes += bytes
      return null
    },
    async settle({ conversationId, address }, taken, size) {
      const back = taken - (size ?? 0)
      const conversation = conversations.find(conversationId)
      if (conversation) {
        conversation.bytes = Math.max(0, conversation.bytes - back)
        if (size === null) conversation.files = Math.max(0, conversation.files - 1)
      }
      const sender = addresses.find(address)
      if (sender) sender.bytes = Math.max(0, sender.bytes - back)
    },
    tracked: () => conversations.size() + addresses.size(),
  }
}
