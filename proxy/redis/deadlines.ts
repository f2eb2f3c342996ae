/**
 * How long a Redis command may go unanswered, kept with one timer for every command in flight.
 *
 * node-redis bounds each command with an `AbortSignal.timeout` of its own (5 s by default): a signal,
 * a listener and a timer per command, and each timer still fires once the command is long answered,
 * building a DOMException. On the webhook's path (one append script per trigger) that was a
 * fourteenth of the proxy's CPU time. Here a command is a map entry, checked by one unref'd interval:
 * one still unanswered after `timeoutMs` fails (a Redis that hangs without closing its connection),
 * and its late answer is dropped.
 */
export class RedisTimeoutError extends Error {
  override name = 'RedisTimeoutError'
}

export type Deadlines = {
  /** `promise`, failing with RedisTimeoutError if it has not settled within `timeoutMs`. */
  within<T>(promise: Promise<T>, timeoutMs: number): Promise<T>
  /** Commands in flight (for tests). */
  pending(): number
  stop(): void
}

export function createDeadlines({
  checkEveryMs = 250,
  now = Date.now,
}: {
  checkEveryMs?: number
  now?: () => number
} = {}): Deadlines {
  type Waiting = { until: number; fail: (error: Error) => void }
  const waiting = new Set<Waiting>()
  let timer: ReturnType<typeof setInterval> | undefined
  const check = () => {
    const t = now()
    for (const w of waiting) {
      if (w.until > t) continue
      waiting.delete(w)
      w.fail(new RedisTimeoutError('Redis did not answer in time'))
    }
    if (waiting.size === 0 && timer !== undefined) {
      clearInterval(timer)
      timer = undefined
    }
  }
  return {
    within(promise, timeoutMs) {
      return new Promise((resolve, reject) => {
        const w: Waiting = { until: now() + timeoutMs, fail: reject }
        waiting.add(w)
        if (timer === undefined) {
          timer = setInterval(check, checkEveryMs)
          timer.unref?.()
        }
        promise.then(
          (value) => {
            if (waiting.delete(w)) resolve(value)
          },
          (error: unknown) => {
            if (waiting.delete(w)) reject(error)
          },
        )
      })
    },
    pending: () => waiting.size,
    stop() {
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
      for (const w of waiting) w.fail(new RedisTimeoutError('Closed before Redis answered'))
      waiting.clear()
    },
  }
}
