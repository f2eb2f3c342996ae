/**
 * The open event streams of this process: counted against their caps, and told to reconnect
 * elsewhere when the process drains.
 */

/** Closes a stream; with `retryMs` it first tells the browser when to reconnect. */
export type CloseStream = (retryMs?: number) => void

export type Streams = {
  /** Registers a stream, closing the oldest of its conversation when that one is at its cap. */
  add(conversationId: string, close: CloseStream): () => void
  /** Whether one more stream fits in the process. */
  hasRoom(): boolean
  count(): number
  /** Every stream is told to reconnect after a jittered delay, then closed. */
  drain(): void
}

export type StreamsOptions = {
  maxStreams: number
  maxStreamsPerConversation: number
  /** Reconnect delays are spread over this window so a drained process's visitors do not all come back at once. */
  drainRetryMs?: { min: number; max: number }
  random?: () => number
}

export function createStreams({
  maxStreams,
  maxStreamsPerConversation,
  drainRetryMs = { min: 500, max: 5000 },
  random = Math.random,
}: StreamsOptions): Streams {
  /** Open streams by conversation, oldest first. */
  const open = new Map<string, Set<CloseStream>>()
  let total = 0

  return {
    add(conversationId, close) {
      let siblings = open.get(conversationId)
      if (!siblings) {
        siblings = new Set()
        open.set(conversationId, siblings)
      }
      // The oldest is most likely a connection the network dropped without telling us.
      for (const oldest of siblings) {
        if (siblings.size < maxStreamsPerConversation) break
        oldest()
      }
      siblings.add(close)
      total++
      const group = siblings
      return () => {
        if (!group.delete(close)) return
        total--
        if (group.size === 0 && open.get(conversationId) === group) open.delete(conversationId)
      }
    },
    hasRoom: () => total < maxStreams,
    count: () => total,
    drain() {
      const { min, max } = drainRetryMs
      for (const siblings of [...open.values()]) {
        for (const close of [...siblings]) close(Math.round(min + random() * (max - min)))
      }
    },
  }
}
