/**
 * The ids (`jti`) of signed identities that started a conversation, each kept until its identity
 * expires: a copy of an identity taken from the page (another script, a shared cache) starts
 * nothing a second time. In memory for one process; on Redis (redis/used-identities.ts) when
 * several instances share the work, so a copy sent to another instance is refused too.
 */
export type UsedIdentities = {
  /** Marks `jti` used until `untilMs` (Unix ms); false when it already was. */
  take(jti: string, untilMs: number): Promise<boolean>
  /** The start it was taken for never made an interaction: the identity may be used again. */
  giveBack(jti: string): Promise<void>
}

export type MemoryUsedIdentities = UsedIdentities & { size(): number }

/**
 * Only identities this proxy verified are taken, so only the site's server (which holds the secret)
 * can add entries, and each lasts IDENTITY_MAX_AGE_SECONDS at most: the map holds a few minutes of
 * starts. Expired ones go at most once a minute, on a take.
 */
export function createMemoryUsedIdentities(now: () => number = Date.now): MemoryUsedIdentities {
  const used = new Map<string, number>()
  let nextSweep = 0
  function sweep(t: number) {
    if (t < nextSweep) return
    nextSweep = t + 60_000
    for (const [jti, until] of used) if (until <= t) used.delete(jti)
  }
  return {
    async take(jti, untilMs) {
      const t = now()
      sweep(t)
      const until = used.get(jti)
      if (until !== undefined && until > t) return false
      used.set(jti, untilMs)
      return true
    },
    async giveBack(jti) {
      used.delete(jti)
    },
    size: () => used.size,
  }
}
