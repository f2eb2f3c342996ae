/**
 * Visitors' files on disk, in MEDIA_DIR: `<id>` holds the bytes, `<id>.json` what they are
 * (conversation, name, sniffed type, size, digest, creation time). The id is 144 random bits: it
 * is the only key to a file, because zChat and its agents GET the URL with no credential.
 *
 * An upload streams to `<id>.part` while receive.ts sniffs and counts it; a refused one is deleted
 * at once. Only a complete, accepted file is renamed into place, data first
 * and then its metadata, so a reader (which looks for the metadata) never sees half a file.
 *
 * A stored file is private until a message carries it: find() gives it to the message route, but
 * findSent() (what GET /media serves) does not, and it expires `unsentMs` after its upload. Sent
 * (markSent(), just before zChat is handed its URL), it is served for `retentionMs` from then.
 * A sweep deletes what expired, and what a crash left behind. Several instances may share the
 * folder: ids never collide, the metadata is replaced whole (renamed into place), and the sweeps
 * tolerate each other.
 */
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import {
  access,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { ApiError } from '../errors.ts'
import { processAllowance, type UploadAllowance, type UploadCaps } from './allowance.ts'
import { cleanFileName } from './names.ts'
import { type MediaQuota, processQuota } from './quota.ts'
import { receive, type Upload } from './receive.ts'
import { extensionsOf } from './types.ts'

const storedMedia = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    name: z.string(),
    type: z.string(),
    size: z.number(),
    /** SHA-256 of the bytes, base64url: the ETag. */
    sha256: z.string(),
    createdAt: z.iso.datetime(),
    /**
     * When a message first carried it: from then on its URL is public; null until then. Absent in
     * what proxies wrote before uploads waited for their message: those were public from the start.
     */
    sentAt: z.iso.datetime().nullable().optional(),
  })
  .transform(({ sentAt, ...media }) => ({
    ...media,
    sentAt: sentAt === undefined ? media.createdAt : sentAt,
  }))
export type StoredMedia = z.output<typeof storedMedia>

/** 18 random bytes: 144 bits, 24 base64url characters. */
const idBytes = 18
const idPattern = /^[\w-]{24}$/

export function isMediaId(value: string): boolean {
  return idPattern.test(value)
}

/** `unsent`: an upload no message carried; `orphan`: what a crash left. */
export type RemovalReason = 'expired' | 'unsent' | 'orphan'

export type MediaStoreOptions = {
  dir: string
  maxBytes: number
  types: readonly string[]
  /** How long a sent file is served and kept (MEDIA_RETENTION_HOURS). */
  retentionMs: number
  /** How long an upload no message has carried is kept (MEDIA_UNSENT_MINUTES); 15 minutes by default. */
  unsentMs?: number
  /** Bytes kept at most; past it a new upload is refused until the sweep frees room. */
  quotaBytes?: number
  /** Where kept bytes are counted; this process's own count of `quotaBytes` by default. */
  quota?: MediaQuota
  /**
   * What a conversation and an address may upload (allowance.ts); by default this process's count,
   * with no caps.
   */
  allowance?: UploadAllowance
  /** How often the sweep runs; by default a third of `unsentMs`, at most 10 minutes. */
  sweepEveryMs?: number
  /** How old a leftover (a `.part`, bytes without metadata) must be before the sweep takes it. */
  orphanAfterMs?: number
  now?: () => number
  onRemove?: (reason: RemovalReason, count: number) => void
}

export type MediaStore = {
  /** What a conversation and an address may still upload, for the route. */
  allowance: UploadAllowance
  /** Creates the folder if need be and checks that it can be written to. */
  prepare(): Promise<void>
  /** Streams an upload to disk; throws receive.ts's UploadRefusedError (or the stream's own error). */
  save(conversationId: string, upload: Upload): Promise<StoredMedia>
  /** A stored file that has not expired, sent or not (for the message that carries it), or null. */
  find(id: string): Promise<StoredMedia | null>
  /** A file a message has carried and that has not expired (what GET /media serves), or null. */
  findSent(id: string): Promise<StoredMedia | null>
  /**
   * Makes a found file public, from now on for `retentionMs`: a message carries it. The file as
   * now stored, or null when it went meanwhile (expired and swept).
   */
  markSent(media: StoredMedia): Promise<StoredMedia | null>
  /** Takes back markSent(): zChat refused the message, so nobody was handed the URL. */
  markUnsent(media: StoredMedia): Promise<void>
  /** Where a found file's bytes are. */
  pathOf(media: StoredMedia): string
  /** How long until a file expires, in ms. */
  remainingMs(media: StoredMedia): number
  /** Deletes a file this store saved (an upload that failed after it was stored). */
  remove(media: StoredMedia): Promise<void>
  /**
   * Deletes every file of a conversation, sent or not (a visitor's or an operator's erasure):
   * its URL answers 404 from then on. Resolves with how many there were.
   */
  eraseConversation(conversationId: string): Promise<number>
  /** Deletes expired files, uploads nobody sent and leftovers; counts them. */
  sweep(): Promise<Record<RemovalReason, number>>
  close(): void
}

const noCaps: UploadCaps = {
  filesPerConversation: Number.POSITIVE_INFINITY,
  bytesPerConversation: Number.POSITIVE_INFINITY,
  bytesPerAddress: Number.POSITIVE_INFINITY,
  conversationMs: 0,
  addressMs: 0,
}

const isMissing = (error: unknown) =>
  error instanceof Error && 'code' in error && error.code === 'ENOENT'

export function createMediaStore({
  dir,
  maxBytes,
  types,
  retentionMs,
  unsentMs = 15 * 60 * 1000,
  quotaBytes = Number.POSITIVE_INFINITY,
  quota = processQuota(quotaBytes),
  allowance = processAllowance(noCaps),
  sweepEveryMs = Math.max(1000, Math.min(10 * 60 * 1000, unsentMs / 3)),
  orphanAfterMs = 60 * 60 * 1000,
  now = Date.now,
  onRemove = () => {},
}: MediaStoreOptions): MediaStore {
  const allowed: ReadonlySet<string> = new Set(types)
  const dataPath = (id: string) => join(dir, id)
  const metaPath = (id: string) => join(dir, `${id}.json`)
  const expiresAt = (media: StoredMedia) =>
    media.sentAt ? Date.parse(media.sentAt) + retentionMs : Date.parse(media.createdAt) + unsentMs

  /** Replaces a file's metadata whole; false (and nothing written) when its bytes are gone. */
  async function writeMeta(media: StoredMedia): Promise<boolean> {
    const part = `${metaPath(media.id)}.${randomBytes(6).toString('base64url')}.part`
    await writeFile(part, JSON.stringify(media), { mode: 0o600 })
    await rename(part, metaPath(media.id))
    // Swept between the lookup and the rename: what was just written would be metadata of nothing.
    const present = await access(dataPath(media.id)).then(
      () => true,
      () => false,
    )
    if (!present) await rm(metaPath(media.id), { force: true })
    return present
  }

  async function readMeta(id: string): Promise<StoredMedia | null> {
    try {
      const parsed = storedMedia.safeParse(JSON.parse(await readFile(metaPath(id), 'utf8')))
      return parsed.success && parsed.data.id === id ? parsed.data : null
    } catch {
      return null
    }
  }

  /** `media`: what the metadata said, so that its bytes are counted off the quota. */
  async function remove(id: string, media: StoredMedia | null): Promise<boolean> {
    // The metadata first: once it is gone, nobody is served the file.
    const existed = await rm(metaPath(id)).then(
      () => true,
      (error: unknown) => {
        if (isMissing(error)) return false
        throw error
      },
    )
    await rm(dataPath(id), { force: true })
    // Counted off once, by whoever deleted the metadata (sweeps of several instances race).
    if (existed && media) await quota.removed(media.size).catch(() => {})
    return existed
  }

  async function find(id: string): Promise<StoredMedia | null> {
    if (!isMediaId(id)) return null
    const media = await readMeta(id)
    return media && expiresAt(media) > now() ? media : null
  }

  async function save(conversationId: string, upload: Upload): Promise<StoredMedia> {
    // Room for the largest file: a disk that fills up serves nobody.
    if (!(await quota.reserve(maxBytes))) {
      throw new ApiError(
        'SERVICE_UNAVAILABLE',
        'No room for files right now; please try again later',
      )
    }
    let stored: number | null = null
    try {
      const media = await write(conversationId, upload)
      stored = media.size
      return media
    } finally {
      // Not the visitor's failure: a count a blip left wrong is put right by the next sweep.
      await quota.settle(maxBytes, stored).catch(() => {})
    }
  }

  async function write(conversationId: string, upload: Upload): Promise<StoredMedia> {
    const id = randomBytes(idBytes).toString('base64url')
    const dataPart = `${dataPath(id)}.part`
    const metaPart = `${metaPath(id)}.part`
    const file = await open(dataPart, 'wx', 0o600)
    let writing = true
    try {
      // A FileHandle write may take less than the whole chunk (a full disk): write the rest too.
      const writeAll = async (chunk: Uint8Array) => {
        let done = 0
        while (done < chunk.byteLength) {
          const { bytesWritten } = await file.write(chunk, done, chunk.byteLength - done)
          if (bytesWritten === 0) throw new Error('the disk took no more bytes')
          done += bytesWritten
        }
      }
      const received = await receive(upload, writeAll, { maxBytes, allowed })
      await file.close()
      writing = false
      const media: StoredMedia = {
        id,
        conversationId,
        name: cleanFileName(upload.filename, extensionsOf(received.type, received.ext)),
        type: received.type,
        size: received.size,
        sha256: received.sha256,
        createdAt: new Date(now()).toISOString(),
        sentAt: null,
      }
      await writeFile(metaPart, JSON.stringify(media), { mode: 0o600 })
      await rename(dataPart, dataPath(id))
      await rename(metaPart, metaPath(id))
      return media
    } catch (error) {
      if (writing) await file.close().catch(() => {})
      await Promise.all([
        rm(dataPart, { force: true }),
        rm(metaPart, { force: true }),
        rm(dataPath(id), { force: true }),
      ])
      throw error
    }
  }

  /** Files are kept by id alone: a conversation's are found by reading every file's metadata. */
  async function eraseConversation(conversationId: string): Promise<number> {
    let names: string[]
    try {
      names = await readdir(dir)
    } catch (error) {
      if (isMissing(error)) return 0
      throw error
    }
    let erased = 0
    for (const name of names) {
      const id = name.replace(/\.json$/, '')
      if (!name.endsWith('.json') || !isMediaId(id)) continue
      const media = await readMeta(id)
      if (media?.conversationId === conversationId && (await remove(id, media))) erased++
    }
    return erased
  }

  async function sweep(): Promise<Record<RemovalReason, number>> {
    const removed: Record<RemovalReason, number> = { expired: 0, unsent: 0, orphan: 0 }
    let names: string[]
    try {
      names = await readdir(dir)
    } catch (error) {
      if (isMissing(error)) return removed
      throw error
    }
    const present = new Set(names)
    const t = now()
    let kept = 0
    const isOld = async (name: string) => {
      try {
        return t - (await stat(join(dir, name))).mtimeMs > orphanAfterMs
      } catch {
        return false
      }
    }
    for (const name of names) {
      const id = name.replace(/\.json$/, '')
      if (name.endsWith('.json') && isMediaId(id)) {
        const media = await readMeta(id)
        if (media ? expiresAt(media) <= t : await isOld(name)) {
          if (await remove(id, media))
            removed[!media ? 'orphan' : media.sentAt ? 'expired' : 'unsent']++
        } else if (media) kept += media.size
      } else if (isMediaId(name) && !present.has(`${name}.json`) && (await isOld(name))) {
        // Bytes whose metadata never arrived (a crash between the two renames).
        await rm(join(dir, name), { force: true })
        removed.orphan++
      } else if (name.endsWith('.part') && isMediaId(name.split('.')[0]!) && (await isOld(name))) {
        // An upload cut short by a crash.
        await rm(join(dir, name), { force: true })
        removed.orphan++
      }
    }
    // Not awaited: a shared count (Redis) is written once it answers, and never holds up a start.
    quota.counted(kept).catch(() => {})
    for (const reason of ['expired', 'unsent', 'orphan'] as const) {
      if (removed[reason] > 0) onRemove(reason, removed[reason])
    }
    return removed
  }

  const timer = setInterval(() => {
    sweep().catch(() => {})
  }, sweepEveryMs)
  timer.unref()

  return {
    allowance,
    async prepare() {
      await mkdir(dir, { recursive: true })
      await access(dir, constants.W_OK)
      // What earlier runs left counts against the quota from the start.
      await sweep()
    },
    save,
    find,
    async findSent(id) {
      const media = await find(id)
      return media?.sentAt ? media : null
    },
    async markSent(media) {
      if (media.sentAt) return media
      const sent = { ...media, sentAt: new Date(now()).toISOString() }
      return (await writeMeta(sent)) ? sent : null
    },
    async markUnsent(media) {
      await writeMeta({ ...media, sentAt: null })
    },
    pathOf: (media) => dataPath(media.id),
    remainingMs: (media) => expiresAt(media) - now(),
    async remove(media) {
      await remove(media.id, media)
    },
    eraseConversation,
    sweep,
    close() {
      clearInterval(timer)
    },
  }
}
