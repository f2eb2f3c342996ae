/**
 * Where the proxy keeps things on Redis, under the deployment's prefix. A conversation's keys share
 * one hash slot (`{id}`), so a script can touch them together.
 */
/** Every key's prefix unless told otherwise: the proxy and its tools (dead-letters.ts) agree on it. */
export const defaultRedisPrefix = 'zchat-widget:'

export function redisKeys(prefix: string) {
  const of = (id: string, what: string) => `${prefix}c:{${id}}:${what}`
  return {
    /** Its event stream, state hash and de-duplication set, in the order the scripts take them. */
    conversation: (id: string) => [of(id, 'events'), of(id, 'state'), of(id, 'keys')],
    /** Held while one instance sends a visitor's message to zChat. */
    claim: (id: string, key: string) => of(id, `claim:${key}`),
    /**
     * Its transcript (transcripts.ts): the kept messages, and a hash of what else is kept. Expires
     * with HISTORY_RETENTION_DAYS, long after the conversation's own keys.
     */
    transcript: (id: string) => [of(id, 'transcript'), of(id, 'transcript-state')],
    /** How many files the conversation has uploaded (UPLOADS_PER_CONVERSATION). */
    uploads: (id: string) => of(id, 'uploads'),
    /** How many bytes it has uploaded (MEDIA_QUOTA_PER_CONVERSATION_BYTES). */
    uploadBytes: (id: string) => of(id, 'upload-bytes'),
    /** A signed identity's id, once it started a conversation (used-identities.ts), by its digest. */
    usedIdentity: (digest: string) => `${prefix}used-identity:${digest}`,
    /** The one stream every instance reads (relay.ts). */
    relay: `${prefix}relay`,
    /**
     * Interactions never opened here, for their caps (scripts.ts): a sorted set of ids by last
     * append, a hash of each one's bytes, and their total. The append script deletes the keys of
     * one past the caps by the names `conversation` gives them.
     */
    unopened: [`${prefix}unopened`, `${prefix}unopened:bytes`, `${prefix}unopened:total`],
  }
}
