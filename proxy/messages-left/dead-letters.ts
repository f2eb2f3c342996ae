/**
 * Left messages the site never took (refused, every attempt failed, or shutdown came first), kept
 * for the operator to retry or erase (`node dist/proxy/dead-letters.js`, docs/operations.md#dead-letters)
 * instead of written whole into the log: a message is an email address, often a name, and whatever
 * the visitor wrote, personal data the log would spread to every place logs go, for as long as they
 * are kept there. Here, in one place, for LEAVE_MESSAGE_DEAD_LETTER_HOURS at most.
 *
 * One JSON file per message in LEAVE_MESSAGE_DEAD_LETTER_DIR (this module), or one Redis hash for
 * every instance with REDIS_URL (redis/dead-letters.ts).
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { messageLeftBody } from '../../protocol/schemas.ts'

export const deadLetter = z.object({
  /** The message as it was accepted, and as the site gets it on a retry. */
  message: messageLeftBody
    .omit({ captcha: true })
    .extend({ id: z.string(), receivedAt: z.string() }),
  /** Why it is here (delivery.ts's outcomes). */
  outcome: z.enum(['rejected', 'gave_up', 'dropped']),
  /** When it was given up on (ISO); it is erased LEAVE_MESSAGE_DEAD_LETTER_HOURS after. */
  failedAt: z.string(),
  tries: z.number(),
  /** The last attempt: the site's status, or why there was none. */
  last: z
    .union([
      z.object({ status: z.number() }),
      z.object({ failure: z.enum(['timeout', 'network', 'shutdown']) }),
    ])
    .optional(),
})
export type DeadLetter = z.infer<typeof deadLetter>

export type DeadLetters = {
  /** Keeps one; throws when it cannot (the store is full, or not writable). */
  put(letter: DeadLetter): Promise<void>
  /** Every one kept, oldest first, after those past their retention are erased. */
  list(): Promise<DeadLetter[]>
  /** Erases one; false when there was none by that id. */
  erase(id: string): Promise<boolean>
  /** Erases those past their retention; how many. */
  sweep(): Promise<number>
}

/**
 * Dead letters kept at most, so a site down for days cannot fill the disk or Redis: past it a new
 * one is lost (and logged by id). The deployment's budgets (LEAVE_MESSAGE_PER_HOUR_GLOBAL) bound
 * how fast they come; each is a few KB (a text of 4,000 characters at most).
 */
export const maxDeadLetters = 10_000

export class DeadLettersFull extends Error {
  override name = 'DeadLettersFull'
}

/** Our ids are UUIDs; a file name never comes from anything else (no `../`). */
const isId = (id: string) => /^[\w-]{1,100}$/.test(id)

/** A stored letter, or null when it is not one (a file edited by hand, a key written by another version). */
export function readLetter(text: string): DeadLetter | null {
  try {
    const parsed = deadLetter.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** Whether `letter` is past its retention at `now`. */
export const isExpired = (letter: DeadLetter, retentionMs: number, now: number) =>
  Date.parse(letter.failedAt) + retentionMs <= now

const byAge = (a: DeadLetter, b: DeadLetter) => a.failedAt.localeCompare(b.failedAt)

export type FolderOptions = {
  dir: string
  retentionMs: number
  max?: number
  now?: () => number
}

/** One file per message, `<id>.json`, readable by the proxy's user only. */
export function createFolderDeadLetters({
  dir,
  retentionMs,
  max = maxDeadLetters,
  now = Date.now,
}: FolderOptions): DeadLetters & { prepare(): Promise<void> } {
  const path = (id: string) => join(dir, `${id}.json`)
  const names = async () => {
    // No folder yet (nothing ever failed here): no letters.
    const all = await readdir(dir).catch((error: unknown) => {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return []
      throw error
    })
    return all.filter((name) => name.endsWith('.json'))
  }

  /** Every letter with its file; unreadable files are left for the operator to look at. */
  async function readAll() {
    const found: Array<{ name: string; letter: DeadLetter }> = []
    for (const name of await names()) {
      const text = await readFile(join(dir, name), 'utf8').catch(() => null)
      const letter = text === null ? null : readLetter(text)
      if (letter) found.push({ name, letter })
    }
    return found
  }

  async function sweep() {
    let erased = 0
    const t = now()
    for (const { name, letter } of await readAll()) {
      if (!isExpired(letter, retentionMs, t)) continue
      await rm(join(dir, name), { force: true })
      erased++
    }
    return erased
  }

  return {
    async prepare() {
      await mkdir(dir, { recursive: true, mode: 0o700 })
      // Written and removed once now: an unwritable folder stops the start, not a message later.
      // A name of its own: proxies sharing the folder may start at once, each removing its probe.
      const probe = join(dir, `.probe-${process.pid}-${randomBytes(6).toString('hex')}`)
      await writeFile(probe, '', { mode: 0o600 })
      await rm(probe)
    },
    async put(letter) {
      const { id } = letter.message
      if (!isId(id)) throw new Error(`not a delivery id: ${id.slice(0, 100)}`)
      if ((await names()).length >= max) {
        await sweep()
        if ((await names()).length >= max) throw new DeadLettersFull(`${max} dead letters kept`)
      }
      // Whole or not at all: written aside, then renamed into place.
      const part = `${path(id)}.part`
      await writeFile(part, JSON.stringify(letter), { mode: 0o600 })
      await rename(part, path(id))
    },
    async list() {
      await sweep()
      return (await readAll()).map(({ letter }) => letter).sort(byAge)
    },
    async erase(id) {
      if (!isId(id)) return false
      try {
        await rm(path(id))
        return true
      } catch {
        return false
      }
    },
    sweep,
  }
}
