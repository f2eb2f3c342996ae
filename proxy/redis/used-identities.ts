/**
 * Signed identities' ids on Redis (REDIS_URL): one key per id, set only if absent and expiring with
 * the identity, so two instances that receive the same identity let one start through.
 */
import { createHash } from 'node:crypto'
import type { UsedIdentities } from '../used-identities.ts'
import type { redisKeys } from './keys.ts'
import type { Send } from './send.ts'

export function createRedisUsedIdentities({
  send,
  keys,
  now,
}: {
  send: Send
  keys: ReturnType<typeof redisKeys>
  now: () => number
}): UsedIdentities {
  // The site chooses the id: hashed, it is a key of known length and characters.
  const key = (jti: string) =>
    keys.usedIdentity(createHash('sha256').update(jti).digest('base64url'))
  return {
    async take(jti, untilMs) {
      const ttl = Math.max(1, Math.ceil(untilMs - now()))
      return (await send(['SET', key(jti), '1', 'NX', 'PX', String(ttl)])) !== null
    },
    async giveBack(jti) {
      await send(['DEL', key(jti)])
    },
  }
}
