/**
 * The open event streams of this process: counted against their caps, and told to reconnect
 * elsewhere when the process drains. With `holds` (several instances on Redis), the cap per client
 * address counts that address's streams on every instance; MAX_STREAMS stays per process. A client
 * is its address's key (client-address.ts): an IPv6 prefix, not each address in it.
 */
import { clientKey } from './client-address.ts'

/** Closes a stream; with `retryMs` it first tells the browser when to reconnect. */
export type CloseStream = (retryMs?: number) => void

export type TrackedStream = {
  close: CloseStream
  /** Bytes waiting for this stream's reader. */
  buffered(): number
}

export type Streams = {
  /** Registers a stream, closing the oldest of its conversation when that one is at its cap. */
  add(conversationId: string, address: string, stream: TrackedStream): () => void
  /**
   * Whether one more stream fits in the process, and for this client address (with shared holds,
   * on every instance). A yes holds the room at once, before the answer settles, for the add() that
   * follows: streams asked for at the same moment cannot all pass the cap.
   */
  hasRoom(address: string): Promise<boolean>
  count(): number
  /** Bytes waiting for readers, over every open stream (for /metrics). */
  bufferedBytes(): number
  /** Every stream is told to reconnect after a jittered delay, then closed. */
  drain(): void
}

/** Streams per client address counted over every instance (redis/quotas.ts). */
export type StreamHolds = {
  /** Takes one for `address` unless its streams on every instance are at the cap. */
  take(address: string): Promise<boolean>
  release(address: string): void
}

export type StreamsOptions = {
  maxStreams: number
  maxStreamsPerConversation: number
  /** One address must not take every stream: a cap per client address (as TRUST_PROXY sees it). */
  maxStreamsPerIp: number
  /** How much of an IPv6 address is one client (IPV6_PREFIX_LENGTH); 64 by default. */
  ipv6PrefixLength?: number
  /** Reconnect delays are spread over this window so a drained process's visitors do not all come back at once. */
  drainRetryMs?: { min: number; max: number }
  random?: () => number
  /** Counts streams per address over every instance; unset, this process counts its own. */
  holds?: StreamHolds
}

export function createStreams({
  maxStreams,
  maxStreamsPerConversation,
  maxStreamsPerIp,
  ipv6PrefixLength = 64,
  drainRetryMs = { min: 500, max: 5000 },
  random = Math.random,
  holds,
}: StreamsOptions): Streams {
  const keyOf = (address: string) => clientKey(address, ipv6PrefixLength)
  /** Open streams by conversation, oldest first. */
  const open = new Map<string, Set<TrackedStream>>()
  const perAddress = new Map<string, number>()
  /** Room held by hasRoom() that no add() has used yet, by address, and in all. */
  const reserved = new Map<string, number>()
  let reservedTotal = 0
  let total = 0
  const hasLocalRoom = (address: string) =>
    total + reservedTotal < maxStreams &&
    (perAddress.get(address) ?? 0) + (reserved.get(address) ?? 0) < maxStreamsPerIp
  /** Gives back one reservation of `address`; false when it had none. */
  const unreserve = (address: string) => {
    const held = reserved.get(address) ?? 0
    if (held === 0) return false
    if (held > 1) reserved.set(address, held - 1)
    else reserved.delete(address)
    reservedTotal--
    return true
  }

  return {
    add(conversationId, from, stream) {
      const address = keyOf(from)
      let siblings = open.get(conversationId)
      if (!siblings) {
        siblings = new Set()
        open.set(conversationId, siblings)
      }
      // The oldest is most likely a connection the network dropped without telling us.
      for (const oldest of siblings) {
        if (siblings.size < maxStreamsPerConversation) break
        oldest.close()
      }
      siblings.add(stream)
      total++
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1)
      const held = unreserve(address)
      const group = siblings
      return () => {
        if (!group.delete(stream)) return
        if (held) holds?.release(address)
        total--
        const left = (perAddress.get(address) ?? 1) - 1
        if (left > 0) perAddress.set(address, left)
        else perAddress.delete(address)
        if (group.size === 0 && open.get(conversationId) === group) open.delete(conversationId)
      }
    },
    async hasRoom(from) {
      const address = keyOf(from)
      if (!hasLocalRoom(address)) return false
      reserved.set(address, (reserved.get(address) ?? 0) + 1)
      reservedTotal++
      if (!holds) return true
      const ok = await holds.take(address).catch((error: unknown) => {
        unreserve(address)
        throw error
      })
      if (!ok) unreserve(address)
      return ok
    },
    count: () => total,
    bufferedBytes() {
      let bytes = 0
      for (const siblings of open.values())
        for (const stream of siblings) bytes += stream.buffered()
      return bytes
    },
    drain() {
      const { min, max } = drainRetryMs
      for (const siblings of [...open.values()]) {
        for (const stream of [...siblings]) stream.close(Math.round(min + random() * (max - min)))
      }
    },
  }
}
