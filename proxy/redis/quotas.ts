/**
 * Limits that hold for the whole deployment when instances share a Redis (REDIS_URL), where one
 * process would count only its own share: open streams per client address (MAX_STREAMS_PER_IP),
 * new conversations per minute (STARTS_PER_MINUTE_GLOBAL), messages left per minute and hour
 * (LEAVE_MESSAGE_PER_MINUTE_GLOBAL, LEAVE_MESSAGE_PER_HOUR_GLOBAL), the bytes of uploads kept
 * (MEDIA_QUOTA_BYTES), and what a conversation and an address may upload (media/allowance.ts).
 *
 * What an instance holds is written under its own id with a lease it renews every `leaseMs / 3`
 * (quota-scripts.ts): an instance killed without a word holds nothing once its lease lapses,
 * and each renewal writes again what it holds, so a release lost to a blip, or a Redis restarted
 * empty, is put right within one beat. A beat is one script per thousand addresses with streams
 * here, never a call per stream; a take renews the lease too.
 */
import { randomBytes } from 'node:crypto'
import type { Budget, Refusal } from '../budgets.ts'
import type { UploadAllowance, UploadCaps, Uploader } from '../media/allowance.ts'
import type { MediaQuota } from '../media/quota.ts'
import { leftMessagesRefused } from '../messages-left/budgets.ts'
import { type StartBudget, startsRefused } from '../starts.ts'
import type { StreamHolds } from '../streams.ts'
import { redisKeys } from './keys.ts'
import {
  giveBackScript,
  heartbeatScript,
  releaseScript,
  settleUploadScript,
  takeInWindowScript,
  takeScript,
  takeUploadScript,
} from './quota-scripts.ts'
import type { Send } from './send.ts'

type RunScript = (script: string, keys: string[], args: string[]) => Promise<unknown>

export type SharedLimitsOptions = {
  run: RunScript
  send: Send
  prefix: string
  /** How long a silent instance's holds still count. */
  leaseMs: number
  /** A beat that failed (Redis away); the next one tries again. */
  report: (error: Error) => void
  /** Resolves once the connection was first opened (or given up). */
  connected: Promise<unknown>
}

export type SharedLimits = {
  /** Open streams per client address, over every instance. */
  streamHolds(maxPerAddress: number): StreamHolds
  /** New conversations per minute, over every instance. */
  startBudget(perMinute: number): StartBudget
  /** Messages left per minute and per hour, over every instance. */
  leftMessageBudgets(perMinute: number, perHour: number): Budget[]
  /** Bytes of uploads kept, over every instance sharing MEDIA_DIR. */
  mediaQuota(quotaBytes: number): MediaQuota
  /** What a conversation and an address may upload, over every instance. */
  uploadAllowance(caps: UploadCaps): UploadAllowance
  /** Renews the lease now (tests; the timer does it otherwise). */
  beat(): Promise<void>
  /** Stops the beat and gives up the lease: what this instance held no longer counts. */
  close(): Promise<void>
}

export function createSharedLimits({
  run,
  send,
  prefix,
  leaseMs,
  report,
  connected,
}: SharedLimitsOptions): SharedLimits {
  const me = randomBytes(9).toString('base64url')
  const instancesKey = `${prefix}instances`
  /** Hashes live this long past the last take or beat of any instance holding in them. */
  const hashTtl = String(3 * leaseMs)
  /** What this instance holds, by hash key (as the beat writes it again); 0: write it as gone. */
  const holdings = new Map<string, number>()
  const hold = (key: string, amount: number) => {
    const now = (holdings.get(key) ?? 0) + amount
    holdings.set(key, now)
    return now
  }

  async function beat() {
    const all = [...holdings.keys()]
    // A thousand hashes per script at most (one per address with streams): Redis is never held long.
    for (let i = 0; i === 0 || i < all.length; i += 1000) {
      const keys = all.slice(i, i + 1000)
      const amounts = keys.map((key) => String(holdings.get(key)))
      await run(
        heartbeatScript,
        [instancesKey, ...keys],
        [me, String(leaseMs), hashTtl, ...amounts],
      )
      // Written as gone, and still gone: nothing more to say about them.
      keys.forEach((key, k) => {
        if (amounts[k] === '0' && holdings.get(key) === 0) holdings.delete(key)
      })
    }
  }
  const timer = setInterval(
    () => {
      beat().catch(report)
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  )
  timer.unref()
  const first = connected.then(beat).catch(report)

  /** `limit` per fixed window of `windowMs` over every instance, counted under `name`. */
  function windowBudget(name: string, limit: number, windowMs: number, refusal: Refusal): Budget {
    const key = `${prefix}${name}`
    const refused = (ttlMs: number) => refusal(Math.max(1, Math.ceil(ttlMs / 1000)))
    return {
      async check() {
        const [used, ttl] = await Promise.all([send(['GET', key]), send(['PTTL', key])])
        if (Number(used ?? 0) >= limit && Number(ttl) > 0) throw refused(Number(ttl))
      },
      async take() {
        const reply = await run(takeInWindowScript, [key], [String(limit), String(windowMs)])
        const [taken, ttl] = Array.isArray(reply) ? reply.map(Number) : []
        if (taken !== 1) throw refused(ttl ?? windowMs)
      },
      async giveBack() {
        await run(giveBackScript, [key], []).catch(() => {})
      },
    }
  }

  /** Takes `amount` of `cap` under `key`; the amount counts here first so a beat cannot undo it. */
  async function take(key: string, amount: number, cap: number, stored?: string) {
    hold(key, amount)
    let taken = false
    try {
      const keys = [key, instancesKey, ...(stored ? [stored] : [])]
      const args = [me, String(amount), String(cap), hashTtl, String(leaseMs)]
      taken = (await run(takeScript, keys, args)) === 1
      return taken
    } finally {
      if (!taken) hold(key, -amount)
    }
  }
  /** Lets `amount` go; a release that fails is put right by the next beat. */
  function release(key: string, amount: number, storedKey?: string, stored = 0) {
    hold(key, -amount)
    const keys = [key, ...(storedKey ? [storedKey] : [])]
    return run(releaseScript, keys, [me, String(amount), String(stored)]).then(() => {})
  }

  return {
    streamHolds(maxPerAddress) {
      const keyOf = (address: string) => `${prefix}ip:{${address}}:streams`
      return {
        take: (address) => take(keyOf(address), 1, maxPerAddress),
        release(address) {
          release(keyOf(address), 1).catch(report)
        },
      }
    },
    startBudget: (perMinute) => windowBudget('starts', perMinute, 60_000, startsRefused),
    leftMessageBudgets: (perMinute, perHour) => [
      windowBudget('left:minute', perMinute, 60_000, leftMessagesRefused),
      windowBudget('left:hour', perHour, 60 * 60_000, leftMessagesRefused),
    ],
    mediaQuota(quotaBytes) {
      const reservedKey = `${prefix}media:reserved`
      const storedKey = `${prefix}media:stored`
      return {
        reserve: (bytes) => take(reservedKey, bytes, quotaBytes, storedKey),
        settle: (reserved, size) => release(reservedKey, reserved, storedKey, size ?? 0),
        async removed(size) {
          await run(releaseScript, [reservedKey, storedKey], [me, '0', String(-size)])
        },
        async counted(bytes) {
          // The sweep at start runs before the connection is up.
          await first
          await send(['SET', storedKey, String(bytes)])
        },
      }
    },
    uploadAllowance(caps) {
      const keys = redisKeys(prefix)
      const keysOf = ({ conversationId, address }: Uploader) => [
        keys.uploads(conversationId),
        keys.uploadBytes(conversationId),
        `${prefix}ip:{${address}}:upload-bytes`,
      ]
      const shortfalls = [null, 'files', 'conversation-bytes', 'address-bytes'] as const
      return {
        async take(who, bytes) {
          const reply = await run(takeUploadScript, keysOf(who), [
            String(bytes),
            String(caps.filesPerConversation),
            String(caps.bytesPerConversation),
            String(caps.bytesPerAddress),
            String(caps.conversationMs),
            String(caps.addressMs),
          ])
          return shortfalls[Number(reply)] ?? null
        },
        async settle(who, taken, size) {
          await run(settleUploadScript, keysOf(who), [
            size === null ? '1' : '0',
            String(taken - (size ?? 0)),
          ])
        },
      }
    },
    beat,
    async close() {
      clearInterval(timer)
      await send(['ZREM', instancesKey, me]).catch(() => {})
    },
  }
}
