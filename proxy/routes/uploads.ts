/**
 * GET /v1/config (what visitors may upload) and POST /v1/conversations/:id/uploads: a visitor's
 * file, streamed to the media store, which sniffs it and keeps it under an unguessable id. The
 * message route then sends it to zChat by that id. Multipart is parsed here only: every other
 * route takes JSON and nothing else.
 */
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import { routes, type UploadReply } from '../../protocol/wire.ts'
import type { ClientKey } from '../client-address.ts'
import type { Limits } from '../env.ts'
import { ApiError } from '../errors.ts'
import type { EventLog } from '../events/log.ts'
import type { UploadShortfall } from '../media/allowance.ts'
import { formatBytes, tooLarge, UploadRefusedError } from '../media/receive.ts'
import type { MediaStore, StoredMedia } from '../media/store.ts'
import type { Metrics, UploadOutcome } from '../metrics.ts'
import type { Visitors } from '../visitors.ts'
import { visitorConversation } from './conversation.ts'
import { assertOpen, byId } from './guard.ts'
import { toMedia } from './media.ts'

export type UploadDeps = {
  media: MediaStore
  log: EventLog
  visitors: Visitors
  metrics: Pick<Metrics, 'countUpload'>
  publicUrl: () => string
  /** What an uploader's address counts as (client-address.ts): an IPv6 client by its prefix. */
  clientKey: ClientKey
  limits: Pick<
    Limits,
    | 'uploadMaxBytes'
    | 'uploadTypes'
    | 'uploadsPerMinute'
    | 'uploadsPerConversation'
    | 'mediaQuotaPerConversationBytes'
    | 'mediaQuotaPerIpBytes'
  >
}

/** Room for the multipart framing around the file: boundaries and one part's headers. */
const framingBytes = 16 * 1024

const onePart = 'Send one file, as one multipart/form-data part named file'

/** Why an upload failed, in our error shape; a disk failure stays what it is (a 500). */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof UploadRefusedError) {
    if (error.reason === 'too-large') return new ApiError('PAYLOAD_TOO_LARGE', error.message)
    if (error.reason === 'unsupported') return new ApiError('UNSUPPORTED_MEDIA_TYPE', error.message)
    return new ApiError('VALIDATION_ERROR', error.message)
  }
  if (!(error instanceof Error) || 'syscall' in error) throw error
  switch ('code' in error ? error.code : undefined) {
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data')
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ApiError('PAYLOAD_TOO_LARGE', 'The file is too large')
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
      return new ApiError('VALIDATION_ERROR', onePart)
    case 'FST_MP_PREMATURE_CLOSE':
      return new ApiError('VALIDATION_ERROR', 'The upload was cut short')
  }
  // Busboy's own parse errors carry no code: a body that is not well-formed multipart.
  return new ApiError('VALIDATION_ERROR', 'The multipart/form-data body is malformed')
}

/** A cap the upload would pass, in the visitor's words: 429, as UPLOADS_PER_MINUTE's. */
function refusal(shortfall: UploadShortfall, limits: UploadDeps['limits']): ApiError {
  switch (shortfall) {
    case 'files':
      return new ApiError(
        'RATE_LIMITED',
        `This conversation has sent ${limits.uploadsPerConversation} files, the most it may; please write instead`,
      )
    case 'conversation-bytes':
      return new ApiError(
        'RATE_LIMITED',
        `This conversation has sent ${formatBytes(limits.mediaQuotaPerConversationBytes)} of files, the most it may; please write instead`,
      )
    case 'address-bytes':
      return new ApiError(
        'RATE_LIMITED',
        `This network has sent ${formatBytes(limits.mediaQuotaPerIpBytes)} of files, the most it may for now; please try again later`,
      )
  }
}

const outcomeOf: Partial<Record<ApiError['code'], UploadOutcome>> = {
  PAYLOAD_TOO_LARGE: 'too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported',
  VALIDATION_ERROR: 'invalid',
}

export async function uploadRoutes(
  app: FastifyInstance,
  { media, log, visitors, metrics, publicUrl, clientKey, limits }: UploadDeps,
) {
  const maxBytes = limits.uploadMaxBytes
  if (maxBytes === 0) return

  await app.register(multipart, {
    // One part, the file. Multipart's own size limit is one byte past ours, so the store's count
    // is what refuses a file, and a truncated one is never taken for whole.
    limits: { parts: 1, files: 1, fields: 0, fileSize: maxBytes + 1, headerPairs: 16 },
    throwFileSizeLimit: false,
  })
  // A refusal before the body is read: close the connection rather than read the rest of it.
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode >= 400 && !request.raw.complete) reply.header('connection', 'close')
  })

  app.post(
    byId(routes.uploads),
    { config: { rateLimit: { max: limits.uploadsPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const auth = await visitorConversation(request, visitors, log)
      assertOpen(auth.status)
      const announced = Number(request.headers['content-length'])
      if (announced > maxBytes + framingBytes) {
        metrics.countUpload('too_large')
        throw new ApiError('PAYLOAD_TOO_LARGE', tooLarge(maxBytes).message)
      }
      // The body bounds the file: no more is taken than it announces, nor than the largest file.
      const taken = announced > 0 ? Math.min(announced, maxBytes) : maxBytes
      const who = { conversationId: auth.conversationId, address: clientKey(request.ip) }
      const shortfall = await media.allowance.take(who, taken)
      if (shortfall) throw refusal(shortfall, limits)
      let stored: StoredMedia | null = null
      try {
        for await (const part of request.parts()) {
          if (part.type !== 'file' || part.fieldname !== 'file' || stored) {
            if (part.type === 'file') part.file.destroy()
            throw new ApiError('VALIDATION_ERROR', onePart)
          }
          stored = await media.save(auth.conversationId, {
            stream: part.file,
            filename: part.filename,
            declaredType: part.mimetype,
          })
        }
        if (!stored) throw new ApiError('VALIDATION_ERROR', onePart)
      } catch (error) {
        if (stored) await media.remove(stored)
        stored = null
        const apiError = toApiError(error)
        const outcome = outcomeOf[apiError.code]
        if (outcome) metrics.countUpload(outcome)
        throw apiError === error ? apiError : Object.assign(apiError, { cause: error })
      } finally {
        // Not the visitor's failure: a count a blip left high lapses with its window.
        await media.allowance.settle(who, taken, stored?.size ?? null).catch(() => {})
      }
      metrics.countUpload('stored')
      const body: UploadReply = { uploadId: stored.id, ...toMedia(stored, publicUrl()) }
      return reply.status(201).send(body)
    },
  )
}
