/**
 * The model's subscribe over the stream's part (live-part.ts): the stream opens once the part has
 * come. A part that cannot be fetched is what a dropped stream is to the visitor: the stream says it
 * is reconnecting, and the part is asked for again, sooner at first, then every 30 s at most.
 */
import type { Transport } from '../conversation/ports.ts'
import { warn } from '../warn.ts'

type Subscribe = Transport['subscribe']

export function subscribeWhenLive(
  load: () => Promise<{ subscribe: Subscribe }>,
  auth: Parameters<Subscribe>[0],
  handlers: Parameters<Subscribe>[1],
  signal: AbortSignal,
): () => void {
  let close: (() => void) | null = null
  let closed = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const attempt = (tries: number) => {
    load().then(
      (live) => {
        if (!closed && !signal.aborted) close = live.subscribe(auth, handlers)
      },
      (error: unknown) => {
        if (closed || signal.aborted) return
        if (tries === 0) warn('could not load the event stream; trying again', error)
        handlers.onStatus('reconnecting')
        timer = setTimeout(() => attempt(tries + 1), Math.min(30_000, 1000 * 2 ** tries))
      },
    )
  }
  attempt(0)
  return () => {
    closed = true
    clearTimeout(timer)
    close?.()
  }
}
