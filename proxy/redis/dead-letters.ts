/**
 * Dead letters (messages-left/dead-letters.ts) for every instance on one Redis: one hash, the
 * delivery id to the letter's JSON. Whichever instance gave up on a message, the operator's tool
 * finds it there.
 */
import {
  type DeadLetter,
  type DeadLetters,
  DeadLettersFull,
  isExpired,
  maxDeadLetters,
  readLetter,
} from '../messages-left/dead-letters.ts'
import type { Send } from './send.ts'

export type RedisDeadLettersOptions = {
  send: Send
  /** The deployment's key prefix (the event log's). */
  prefix: string
  retentionMs: number
  max?: number
  now?: () => number
}

export function createRedisDeadLetters({
  send,
  prefix,
  retentionMs,
  max = maxDeadLetters,
  now = Date.now,
}: RedisDeadLettersOptions): DeadLetters {
  const key = `${prefix}dead-letters`

  async function readAll(): Promise<DeadLetter[]> {
    const reply = await send(['HGETALL', key])
    const fields = Array.isArray(reply) ? reply.map(String) : []
    const letters: DeadLetter[] = []
    for (let i = 1; i < fields.length; i += 2) {
      const letter = readLetter(fields[i]!)
      if (letter) letters.push(letter)
    }
    return letters
  }

  async function sweep() {
    const t = now()
    const expired = (await readAll()).filter((letter) => isExpired(letter, retentionMs, t))
    if (expired.length > 0) await send(['HDEL', key, ...expired.map((l) => l.message.id)])
    return expired.length
  }

  return {
    async put(letter) {
      if (Number(await send(['HLEN', key])) >= max) {
        await sweep()
        if (Number(await send(['HLEN', key])) >= max)
          throw new DeadLettersFull(`${max} dead letters kept`)
      }
      await send(['HSET', key, letter.message.id, JSON.stringify(letter)])
    },
    async list() {
      await sweep()
      return (await readAll()).sort((a, b) => a.failedAt.localeCompare(b.failedAt))
    },
    async erase(id) {
      return Number(await send(['HDEL', key, id])) > 0
    },
    sweep,
  }
}
