/**
 * A conversation a visitor watches does not expire while watched, however long it stays quiet (as
 * in memory, where the sweep skips conversations with listeners). Each instance renews the TTLs of
 * the conversations its streams watch, all of them in a few scripts every `everyMs`, not one call
 * per stream or per heartbeat; and once more after the last stream of one closed, so it is kept a
 * whole retention from then, as in memory.
 */

type RunScript = (script: string, keys: string[], args: string[]) => Promise<unknown>

/**
 * KEYS: stream, state and keys of each conversation, in threes. ARGV: open TTL, ended TTL (ms).
 * Renews those of its kind; an unopened or gone conversation is left as it is.
 */
export const touchScript = `
for i = 1, #KEYS, 3 do
  local kind = redis.call('HGET', KEYS[i + 1], 'kind')
  local ttl = kind == 'open' and ARGV[1] or kind == 'ended' and ARGV[2] or nil
  if ttl then
    for j = i, i + 2 do redis.call('PEXPIRE', KEYS[j], ttl) end
  end
end
return 1
`

/** Conversations per script: a few thousand keys, so Redis is never held up for long. */
const batch = 500

export type KeepAliveOptions = {
  run: RunScript
  keysOf: (id: string) => string[]
  /** The conversations streams of this instance watch now. */
  watched: () => Iterable<string>
  idleRetentionMs: number
  endedRetentionMs: number
  everyMs: number
  /** A renewal that failed (Redis away); the next one tries again. */
  report: (error: Error) => void
}

export function startKeepAlive({
  run,
  keysOf,
  watched,
  idleRetentionMs,
  endedRetentionMs,
  everyMs,
  report,
}: KeepAliveOptions) {
  /** No longer watched here since the last renewal: renewed once more. */
  const left = new Set<string>()
  const ttls = [String(idleRetentionMs), String(endedRetentionMs)]

  async function renew() {
    const ids = [...new Set([...watched(), ...left])]
    left.clear()
    for (let i = 0; i < ids.length; i += batch) {
      await run(touchScript, ids.slice(i, i + batch).flatMap(keysOf), ttls)
    }
  }
  const timer = setInterval(() => {
    renew().catch(report)
  }, everyMs)
  timer.unref()

  return {
    renew,
    /** The last stream of `id` on this instance closed. */
    unwatched: (id: string) => left.add(id),
    stop: () => clearInterval(timer),
  }
}
