/**
 * One timer for every open event stream, instead of one each: the streams are spread over `slots`
 * sets, and each tick visits one set, so every stream gets its beat once per `everyMs` and the
 * writes of 10,000 streams do not all land in the same tick.
 */
export type Beating = { beat(now: number): void }

export type Heartbeats = {
  add(stream: Beating): void
  delete(stream: Beating): void
  size(): number
}

export function createHeartbeats(everyMs: number, slots = 16): Heartbeats {
  const sets = Array.from({ length: slots }, () => new Set<Beating>())
  let cursor = 0
  let count = 0
  let timer: NodeJS.Timeout | null = null

  function tick() {
    const set = sets[cursor]!
    cursor = (cursor + 1) % slots
    const now = Date.now()
    // A beat may close its stream, which deletes it from the set: iterate a copy.
    for (const stream of [...set]) stream.beat(now)
  }

  return {
    add(stream) {
      // The set visited last: its next visit is a whole period away.
      sets[(cursor + slots - 1) % slots]!.add(stream)
      count++
      timer ??= setInterval(tick, Math.max(1, everyMs / slots))
    },
    delete(stream) {
      for (const set of sets) {
        if (!set.delete(stream)) continue
        count--
        if (count === 0 && timer) {
          clearInterval(timer)
          timer = null
        }
        return
      }
    },
    size: () => count,
  }
}
