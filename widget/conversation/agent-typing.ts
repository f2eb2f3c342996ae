/**
 * Lets "Agent is typing…" lapse. zChat's typing triggers are unordered and can be lost, so a `typing`
 * whose `cleared` never comes would otherwise show until the agent's next message, and every reload
 * would replay it. The indicator lasts `windowMs` from when the proxy logged the latest `typing`, so
 * one replayed from older history lapses at once (in the same batch, so it is never drawn). `at` is
 * the proxy's time, so `now` must be the proxy's clock too (transport/server-clock.ts): a visitor's
 * clock a minute ahead would otherwise hide every `typing`, and one behind would show stale replays.
 */
export type TypingExpiry = {
  /** A `typing` was applied; `at` is when the proxy logged it (absent for a local echo). */
  typing(at: string | undefined): void
  stop(): void
}

export function createTypingExpiry(
  expire: () => void,
  /** `now` is the proxy's clock, as the transport estimates it. */
  { windowMs = 10_000, now = () => Date.now() } = {},
): TypingExpiry {
  let timer: ReturnType<typeof setTimeout> | undefined

  return {
    typing(at) {
      clearTimeout(timer)
      const age = at === undefined ? 0 : now() - Date.parse(at)
      // The estimate has 1 s resolution, so a fresh `typing` can seem to come from the future: still
      // never more than one window.
      const left = Number.isNaN(age) ? windowMs : Math.min(windowMs, windowMs - age)
      if (left <= 0) expire()
      else timer = setTimeout(expire, left)
    },
    stop() {
      clearTimeout(timer)
    },
  }
}
