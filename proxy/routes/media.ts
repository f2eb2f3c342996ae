/**
 * GET /media/:id/:name: a visitor's file, for zChat, its agents and the widget. Public: zChat and
 * agents fetch it with no credential, so the unguessable id is the key (the name is for people and
 * downloads; any name serves). Only once a message has carried it: before that it is a 404, so the
 * proxy hosts nothing nobody sent. Not rate limited like visitor calls: agents open these.
 *
 * Served so that no file can act as a page of this origin: the sniffed type, `nosniff`, a sandbox
 * with nothing allowed, and `attachment` for anything but pictures, sound and video.
 */
import { type FileHandle, open } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import type { Media } from '../../protocol/wire.ts'
import { ApiError } from '../errors.ts'
import { contentDisposition } from '../media/names.ts'
import { parseRange } from '../media/range.ts'
import type { MediaStore, StoredMedia } from '../media/store.ts'
import { isInline, kindOf, textType } from '../media/types.ts'

export const mediaPath = (id: string, name: string) =>
  `/media/${encodeURIComponent(id)}/${encodeURIComponent(name)}`

/** A stored file as the protocol shows it, at its public URL. */
export function toMedia(stored: StoredMedia, publicUrl: string): Required<Media> {
  return {
    kind: kindOf(stored.type),
    url: `${publicUrl}${mediaPath(stored.id, stored.name)}`,
    name: stored.name,
    type: stored.type,
    size: stored.size,
  }
}

/** Browsers may keep a file a day at most, and never past its expiry. */
const maxCacheSeconds = 24 * 60 * 60

export type MediaDeps = {
  media: MediaStore
  /** A download whose reader takes nothing this long is cut (MEDIA_IDLE_TIMEOUT_MS). */
  idleTimeoutMs: number
}

export async function mediaRoutes(app: FastifyInstance, { media, idleTimeoutMs }: MediaDeps) {
  // HEAD by hand: Fastify's own would read the whole file to throw it away.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/media/:id/:name',
    config: { rateLimit: false },
    handler: async (request, reply) => {
      const { id } = request.params as { id: string; name: string }
      const stored = await media.findSent(id)
      if (!stored) throw new ApiError('NOT_FOUND', 'This file does not exist or has expired')

      // Opened now: a file gone since the lookup (the sweep, another instance) is a plain 404.
      let handle: FileHandle
      try {
        handle = await open(media.pathOf(stored), 'r')
      } catch {
        throw new ApiError('NOT_FOUND', 'This file does not exist or has expired')
      }
      // Every answer but the streamed one closes it here; the stream closes it when done.
      let streaming = false
      reply.raw.once('close', () => {
        if (!streaming) void handle.close().catch(() => {})
      })

      const etag = `"${stored.sha256}"`
      const ttl = Math.floor(media.remainingMs(stored) / 1000)
      reply
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('x-content-type-options', 'nosniff')
        .header(
          'content-disposition',
          contentDisposition(isInline(stored.type) ? 'inline' : 'attachment', stored.name),
        )
        .header('cache-control', `private, max-age=${Math.max(0, Math.min(ttl, maxCacheSeconds))}`)
        .header('etag', etag)
        .header('accept-ranges', 'bytes')
      if (request.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) {
        return reply.status(304).send()
      }

      // If-Range: a range of the file the client already has part of, or all of it if it changed.
      const ifRange = request.headers['if-range']
      const range =
        ifRange === undefined || ifRange === etag
          ? parseRange(request.headers.range, stored.size)
          : null
      if (range === 'unsatisfiable') {
        reply.header('content-range', `bytes */${stored.size}`)
        throw new ApiError('RANGE_NOT_SATISFIABLE', `This file has ${stored.size} bytes`)
      }
      const type = stored.type === textType ? `${textType}; charset=utf-8` : stored.type
      reply.type(type)
      if (range) {
        reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${stored.size}`)
          .header('content-length', range.end - range.start + 1)
      } else {
        reply.header('content-length', stored.size)
      }
      if (request.method === 'HEAD') return reply.send()
      streaming = true
      // A reader that stops reading would hold the socket and the file's handle for ever: once
      // nothing has moved for idleTimeoutMs the connection goes, and the stream (and handle) with
      // it. Node puts the keep-alive timeout back once the answer is complete.
      reply.raw.setTimeout(idleTimeoutMs, () => reply.raw.destroy())
      return reply.send(handle.createReadStream({ ...(range ?? {}), autoClose: true }))
    },
  })
}
