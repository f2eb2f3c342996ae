/**
 * Tells the agent the visitor is typing: at most one `typing` per `throttleMs` (zChat shows it for a
 * few seconds, and every call is an upstream request), then `cleared` after `idleMs` without input
 * or when the message is sent.
 */
export type TypingNotifier = {
  /** The draft changed; an empty draft counts as stopping. */
  input(draft: string): void
  stop(): void
}

export function createTypingNotifier(
  send: { typing(): void; cleared(): void },
  { throttleMs = 3_000, idleMs = 2_000, now = Date.now } = {},
): TypingNotifier {
  let lastTyping = Number.NEGATIVE_INFINITY
  let active = false
  let idle: ReturnType<typeof setTimeout> | undefined

  const notifier: TypingNotifier = {
    input(draft) {
      if (draft.trim() === '') return notifier.stop()
      if (now() - lastTyping >= throttleMs) {
        lastTyping = now()
        active = true
        send.typing()
      }
      clearTimeout(idle)
      idle = setTimeout(notifier.stop, idleMs)
    },
    stop() {
      clearTimeout(idle)
      if (!active) return
      active = false
      send.cleared()
    },
  }
  return notifier
}
