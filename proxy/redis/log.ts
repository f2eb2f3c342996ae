/**
 * The event log on Redis, for several proxy instances behind any load balancer (REDIS_URL).
 *
 * - One Redis Stream per conversation is its log, trimmed to `maxEventsPerConversation` events
 *   and `maxBytesPerConversation` bytes (in batches, so it may hold a tenth more) and expiring with
 *   the retention of its kind, beside a state hash and a set of de-duplication keys, a message's
 *   trimmed with it (scripts.ts). Appends are one Lua script, so de-duplication, the ended/rated
 *   rules and the caps on interactions never opened here (`unopenedMaxConversations`,
 *   `unopenedMaxBytes`: past them the least recently active are deleted) hold across instances.
 * - Every append also goes to ONE shared relay stream. Each instance reads it with a single
 *   blocking XREAD loop on its own connection and hands entries to its local subscribers by
 *   conversation id (relay.ts): never a connection or a blocking read per visitor (Mercure's Redis transport
 *   and Socket.IO's Redis Streams adapter work this way). After a blip the loop resumes from the
 *   last relay id it saw, so a subscriber misses nothing that Redis still holds.
 * - A Redis that does not answer is a retryable 503 for the caller (the webhook's 5xx makes zChat
 *   retry; the widget retries a visitor's call), never a silently lost event: the client's offline
 *   queue is off, so calls fail at once instead of waiting for a reconnect.
 */
import { createClient, ErrorReply } from 'redis'
import type { LoggedEvent } from '../../protocol/wire.ts'
import { ApiError } from '../errors.ts'
import {
  type EventLog,
  type EvictionReason,
  endingEvents,
  logDefaults,
  mattersAfterEnd,
} from '../events/log.ts'
import type { DeadLetters } from '../messages-left/dead-letters.ts'
import type { CountHit } from '../rate-limit-store.ts'
import type { TranscriptBounds, TranscriptStore } from '../transcripts/store.ts'
import type { UsedIdentities } from '../used-identities.ts'
import { createRedisDeadLetters } from './dead-letters.ts'
import { createDeadlines } from './deadlines.ts'
import { readEntry, toId, toLogged } from './entries.ts'
import { eraseFromRedis } from './erase.ts'
import { startKeepAlive } from './keepalive.ts'
import { defaultRedisPrefix, redisKeys } from './keys.ts'
import { createSharedLimits, type SharedLimits } from './quotas.ts'
import { startRelay } from './relay.ts'
import { appendScript, countScript, openScript } from './scripts.ts'
import { createScriptRunner, type Send } from './send.ts'
import { createRedisTranscripts } from './transcripts.ts'
import { createRedisUsedIdentities } from './used-identities.ts'

export type RedisLogOptions = {
  url: string
  /** Every key starts with it: several deployments (or tests) can share one Redis. */
  prefix?: string
  endedRetentionMs?: number
  idleRetentionMs?: number
  unopenedMs?: number
  maxEventsPerConversation?: number
  maxBytesPerConversation?: number
  unopenedMaxConversations?: number
  unopenedMaxBytes?: number
  /** The relay stream is trimmed to about this many entries: a few minutes of every conversation. */
  relayLength?: number
  /** How long one XREAD of the relay blocks before it asks again. */
  relayBlockMs?: number
  /** Pause before the relay loop tries again after Redis failed it. */
  retryMs?: number
  /** A command unanswered this long fails (a 503 to the caller): Redis hangs, not only when down. */
  commandTimeoutMs?: number
  /** How long the shared limits count what a silent (killed) instance held (quotas.ts). */
  leaseMs?: number
  /** How often watched conversations' TTLs are renewed; default a quarter of the shorter retention. */
  keepAliveMs?: number
  now?: () => number
  /** Connection trouble, reported once per outage rather than once per attempt. */
  onError?: (error: Error) => void
  /**
   * The relay was trimmed past where this instance stopped reading (a long outage): live events
   * were missed. The caller closes its streams so their widgets reconnect and replay from the log.
   */
  onRelayGap?: () => void
  /** Events trimmed from a conversation, unopened ones deleted for their caps, by this instance. */
  onEvict?: (reason: EvictionReason, count: number) => void
}

export type RedisLog = EventLog & {
  /** A hit on a fixed-window counter shared by every instance (rate limits). */
  countHit: CountHit
  /** Resolves once the relay loop has read up to the relay's end at least once (for tests). */
  relayReady(): Promise<void>
  /** Limits counted over every instance: streams per address, starts, the media quota. */
  limits: SharedLimits
  /** Renews the TTLs of the watched conversations now (the timer does it otherwise). */
  keepAlive(): Promise<void>
  /** Left messages the site never took, kept for every instance (redis/dead-letters.ts). */
  deadLetters(retentionMs: number): DeadLetters
  /** Conversations' transcripts, on this connection (transcripts.ts). */
  transcripts(bounds: TranscriptBounds): TranscriptStore
  /** Signed identities' ids once used, over every instance (used-identities.ts). */
  usedIdentities: UsedIdentities
}

/**
 * Redis answered with an error (a bug of ours) stays itself; no answer at all, or a Redis full to
 * its `maxmemory` under `noeviction` (OOM: it takes no writes until TTLs free room), is a retryable
 * 503.
 */
const unavailable = (cause: unknown) =>
  cause instanceof ErrorReply && !cause.message.startsWith('OOM')
    ? cause
    : Object.assign(
        new ApiError(
          'SERVICE_UNAVAILABLE',
          'The conversation store is not answering; retry shortly',
        ),
        { cause, retryAfter: 2 },
      )

export function createRedisLog({
  url,
  prefix = defaultRedisPrefix,
  endedRetentionMs = logDefaults.endedRetentionMs,
  idleRetentionMs = logDefaults.idleRetentionMs,
  unopenedMs = logDefaults.unopenedMs,
  maxEventsPerConversation = logDefaults.maxEventsPerConversation,
  maxBytesPerConversation = logDefaults.maxBytesPerConversation,
  unopenedMaxConversations = logDefaults.unopenedMaxConversations,
  unopenedMaxBytes = logDefaults.unopenedMaxBytes,
  relayLength = 10_000,
  relayBlockMs = 5000,
  retryMs = 250,
  commandTimeoutMs = 5000,
  leaseMs = 30_000,
  keepAliveMs = Math.min(
    5 * 60_000,
    Math.max(250, Math.min(idleRetentionMs, endedRetentionMs) / 4),
  ),
  now = Date.now,
  onError = () => {},
  onRelayGap = () => {},
  onEvict = () => {},
}: RedisLogOptions): RedisLog {
  let outage = false
  let closed = false
  const report = (error: Error) => {
    if (outage) return
    outage = true
    onError(error)
  }
  // RESP2: replies as plain arrays, the shapes readEntry expects. No offline queue: a call while
  // disconnected fails now (a retryable 503) instead of hanging until Redis is back.
  // No timeout of node-redis's own on each command (a signal and a timer per command): ours is one
  // timer over every command in flight (deadlines.ts).
  const options = {
    url,
    RESP: 2,
    disableOfflineQueue: true,
    commandOptions: { timeout: 0 },
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000) },
  } as const
  const deadlines = createDeadlines()
  const client = createClient(options)
  // The relay's blocking reads get a connection of their own: they would hold up every other call.
  const reader = createClient(options)
  for (const c of [client, reader]) {
    c.on('error', report)
    c.on('ready', () => {
      outage = false
    })
  }
  // Not awaited: a proxy started before its Redis runs, reports not ready (/readyz) and answers
  // 503, and takes up the work once Redis answers. connect() retries until then.
  const connected = Promise.all([client.connect(), reader.connect()]).catch((error: unknown) => {
    if (!closed && error instanceof Error) report(error)
  })

  const send: Send = async (args) => {
    try {
      return await deadlines.within(client.sendCommand(args), commandTimeoutMs)
    } catch (error) {
      throw unavailable(error)
    }
  }
  const run = createScriptRunner(send)
  const keys = redisKeys(prefix)
  const keysOf = keys.conversation
  const relayKey = keys.relay

  const relay = startRelay({
    // A blocking read answers within its block; past that and the usual time, Redis hangs.
    read: (args) => deadlines.within(reader.sendCommand(args), relayBlockMs + commandTimeoutMs),
    key: relayKey,
    blockMs: relayBlockMs,
    retryMs,
    connected,
    isClosed: () => closed,
    report,
    onGap: onRelayGap,
  })

  const limits = createSharedLimits({ run, send, prefix, leaseMs, report, connected })
  const keepAlive = startKeepAlive({
    run,
    keysOf,
    watched: relay.ids,
    idleRetentionMs,
    endedRetentionMs,
    everyMs: keepAliveMs,
    report,
  })

  return {
    relayReady: () => relay.ready,
    limits,
    deadLetters: (retentionMs) => createRedisDeadLetters({ send, prefix, retentionMs }),
    keepAlive: keepAlive.renew,
    transcripts: (bounds) => createRedisTranscripts({ ...bounds, run, send, keys }),
    usedIdentities: createRedisUsedIdentities({ send, keys, now }),
    async countHit(key, windowMs) {
      const reply = await run(countScript, [`${prefix}${key}`], [String(windowMs)])
      const [current, ttl] = Array.isArray(reply) ? reply.map(Number) : []
      return { current: current ?? 0, ttl: ttl ?? windowMs }
    },
    async open(id) {
      await run(
        openScript,
        [...keysOf(id), ...keys.unopened],
        [String(idleRetentionMs), id, String(endedRetentionMs)],
      )
    },
    async status(id) {
      const [, stateKey, keysKey] = keysOf(id)
      const [fields, members] = await Promise.all([
        send(['HGETALL', stateKey!]),
        send(['SMEMBERS', keysKey!]),
      ])
      if (!Array.isArray(fields) || fields.length === 0) return null
      const state = new Map<string, string>()
      for (let i = 0; i + 1 < fields.length; i += 2)
        state.set(String(fields[i]), String(fields[i + 1]))
      const kind = state.get('kind')
      return {
        opened: kind !== undefined,
        // An interaction that ended before it was opened here is `ended` but no `kind` yet.
        ended: kind === 'ended' || state.get('ended') === '1',
        keys: new Set(Array.isArray(members) ? members.map(String) : []),
      }
    },
    async append(id, event, dedupeKey) {
      const t = now()
      const reply = await run(
        appendScript,
        [...keysOf(id), relayKey, ...keys.unopened],
        [
          JSON.stringify(event),
          dedupeKey ?? '',
          endingEvents.has(event.type) ? '1' : '0',
          mattersAfterEnd(event) ? '1' : '0',
          String(t),
          String(maxEventsPerConversation),
          String(unopenedMs),
          String(idleRetentionMs),
          String(endedRetentionMs),
          String(relayLength),
          id,
          String(maxBytesPerConversation),
          String(unopenedMaxConversations),
          String(unopenedMaxBytes),
          prefix,
          // A message's key goes when its entry is trimmed; the once-only ones stay.
          dedupeKey && event.type === 'message' ? '1' : '0',
        ],
      )
      if (!Array.isArray(reply) || typeof reply[0] !== 'string') return null
      const [entry, trimmed, evicted] = reply as [string, number, number]
      if (trimmed > 0) onEvict('event-cap', trimmed)
      if (evicted > 0) onEvict('unopened-cap', evicted)
      return { id: toId(entry), at: new Date(t).toISOString(), ...event } as LoggedEvent
    },
    async readAfter(id, afterId, limit) {
      const [events] = keysOf(id)
      const reply = await send([
        'XRANGE',
        events!,
        `${afterId + 1}-0`,
        '+',
        ...(limit === undefined ? [] : ['COUNT', String(limit)]),
      ])
      if (!Array.isArray(reply)) return []
      return reply.flatMap((raw) => {
        const entry = readEntry(raw)
        const logged = entry && toLogged(entry.id, entry.fields)
        return logged ? [logged] : []
      })
    },
    async claim(id, key, ttlMs) {
      const reply = await send(['SET', keys.claim(id, key), '1', 'NX', 'PX', String(ttlMs)])
      return reply !== null
    },
    async release(id, key) {
      await send(['DEL', keys.claim(id, key)])
    },
    erase: (id) => eraseFromRedis({ send, run }, keysOf(id), relayKey, id),
    async droppedThrough(id) {
      const [, stateKey] = keysOf(id)
      const dropped = await send(['HGET', stateKey!, 'dropped'])
      return typeof dropped === 'string' ? toId(dropped) : 0
    },
    subscribe: (id, listener) => relay.subscribe(id, listener, keepAlive.unwatched),
    async healthy() {
      if (!client.isReady || !reader.isReady) return false
      try {
        return String(await send(['PING'])) === 'PONG'
      } catch {
        return false
      }
    },
    stats() {
      // What Redis holds is Redis's to report (INFO); here, the conversations watched on this instance.
      return { conversations: relay.watched(), events: 0, bytes: 0 }
    },
    async close() {
      if (closed) return
      closed = true
      keepAlive.stop()
      await limits.close()
      relay.clear()
      // The blocking read would hold a graceful close for up to relayBlockMs.
      reader.destroy()
      await relay.stopped
      if (client.isReady) await client.close().catch(() => client.destroy())
      else client.destroy()
      await connected
      deadlines.stop()
    },
  }
}
