/**
 * The visitor's files: the proxy's upload limits, the file waiting in the preview, and the uploads
 * under way. The composer's Send sends the waiting file with the message box's words as its caption
 * (model.ts): one message like any other (the outbox sends it in order, retries it, marks it
 * failed); its upload runs first, from `upload()`, and happens once even when the message's send is
 * retried. The proxy serves an upload only once a message has carried it, so the bubble shows the
 * browser's own copy until `sent()`.
 */
import { batch, signal } from '@preact/signals'
import type { MediaKind, WidgetConfig } from '../../protocol/wire.ts'
import { HttpFailure } from './failure.ts'
import type { MachineEvent } from './machine.ts'
import type { Credentials, Transport } from './ports.ts'
import type { Media } from './transcript.ts'

export type UploadLimits = NonNullable<WidgetConfig['uploads']>

/** Why a file cannot be sent, said in the visitor's words by ui/AttachmentPreview.tsx. */
export type Refusal = { reason: 'too-big'; size: number; maxBytes: number } | { reason: 'type' }

/** A file in the preview: `media` is what its bubble shows until it is uploaded. */
export type StagedFile = { file: File; media: Media }

export type AttachmentDeps = {
  transport: Pick<Transport, 'config' | 'upload'>
  dispatch(event: MachineEvent): void
  /** Adds the visitor's message to the log and the outbox; false if it was refused (see alert). */
  compose(text: string, clientId: string, media: Media): boolean
  newClientId(): string
}

export type Attachment = ReturnType<typeof createAttachment>

export function createAttachment({ transport, dispatch, compose, newClientId }: AttachmentDeps) {
  /** null: uploads are off, or the proxy's config could not be read. */
  const limits = signal<UploadLimits | null>(null)
  const staged = signal<StagedFile | null>(null)
  const refusal = signal<Refusal | null>(null)
  /** Files sent but not uploaded yet, by clientId: the share uploaded so far. */
  const progress = signal<Readonly<Record<string, number>>>({})

  const files = new Map<string, StagedFile>()
  const uploadIds = new Map<string, string>()
  /** Uploaded files whose message is not sent yet: what the proxy will serve once it is. */
  const uploaded = new Map<string, Media>()
  let current: { clientId: string; controller: AbortController } | null = null

  function setProgress(clientId: string, fraction: number | null): void {
    const { [clientId]: _, ...rest } = progress.value
    progress.value = fraction === null ? rest : { ...rest, [clientId]: fraction }
  }

  function release(file: StagedFile | null | undefined): void {
    if (file?.media.url) URL.revokeObjectURL(file.media.url)
  }

  /** Lets go of a message's file: its preview's URL and its upload. */
  function forget(clientId: string): void {
    release(files.get(clientId))
    files.delete(clientId)
    uploadIds.delete(clientId)
    uploaded.delete(clientId)
  }

  function tooBig(file: File, allowed: UploadLimits): Refusal {
    return { reason: 'too-big', size: file.size, maxBytes: allowed.maxBytes }
  }

  return {
    limits,
    staged,
    refusal,
    progress,

    /** Reads the proxy's limits. A failure leaves uploads off, quietly: the chat works without them. */
    async configure(): Promise<void> {
      try {
        limits.value = (await transport.config()).uploads
      } catch {
        limits.value = null
      }
    },

    /** Puts a file in the preview, or says why it cannot be sent. Replaces any file already there. */
    stage(file: File): void {
      const allowed = limits.value
      if (!allowed) return
      batch(() => {
        refusal.value = !accepts(allowed.types, file.type)
          ? { reason: 'type' }
          : file.size > allowed.maxBytes
            ? tooBig(file, allowed)
            : null
        if (refusal.value) return
        release(staged.value)
        const kind = kindOf(file.type)
        staged.value = {
          file,
          media: {
            kind,
            url: kind === 'image' ? URL.createObjectURL(file) : '',
            name: file.name || 'file',
            type: file.type,
            size: file.size,
          },
        }
      })
    },

    /** Sends the previewed file with `caption`; false if it was refused (the file stays). */
    send(caption: string): boolean {
      const file = staged.value
      if (!file) return false
      const clientId = newClientId()
      return batch(() => {
        // Before compose: it may start the upload right away.
        files.set(clientId, file)
        setProgress(clientId, 0)
        if (!compose(caption, clientId, file.media)) {
          files.delete(clientId)
          setProgress(clientId, null)
          return false
        }
        staged.value = null
        return true
      })
    },

    /** Takes the file out of the preview, unsent. */
    remove(): void {
      release(staged.value)
      batch(() => {
        staged.value = null
        refusal.value = null
      })
    },

    /** Stops a sent file's upload and takes its message out of the log. Too late once uploaded. */
    cancel(clientId: string): void {
      if (uploadIds.has(clientId)) return
      if (current?.clientId === clientId) current.controller.abort()
      forget(clientId)
      batch(() => {
        setProgress(clientId, null)
        dispatch({ type: 'discard', clientId })
      })
    },

    /** Forgets the file of a message refused for good, uploaded or not (the model takes it out). */
    discard(clientId: string): void {
      if (current?.clientId === clientId) current.controller.abort()
      forget(clientId)
      setProgress(clientId, null)
    },

    /** The message carrying the file was sent: its bubble shows the proxy's copy from now on. */
    sent(clientId: string): void {
      const media = uploaded.get(clientId)
      if (!media) return
      release(files.get(clientId))
      files.delete(clientId)
      uploaded.delete(clientId)
      dispatch({ type: 'uploaded', clientId, media })
    },

    /**
     * The upload id for a message's file, uploading it first if need be. Called by the outbox, so
     * failures are classified and retried like any send's; a cancelled upload rejects as refused.
     */
    async upload(auth: Credentials, clientId: string): Promise<string> {
      const done = uploadIds.get(clientId)
      if (done !== undefined) return done
      const file = files.get(clientId)
      if (!file) throw new Error(`upload ${clientId} was cancelled`)
      const controller = new AbortController()
      current = { clientId, controller }
      setProgress(clientId, 0)
      try {
        const { uploadId, ...media } = await transport.upload(auth, file.file, {
          signal: controller.signal,
          onProgress: (fraction) => {
            if (!controller.signal.aborted) setProgress(clientId, fraction)
          },
        })
        // Cancelled while the reply was on its way: the message must not be sent after all.
        if (controller.signal.aborted) throw controller.signal.reason
        uploadIds.set(clientId, uploadId)
        // The preview stays until the message is sent (sent()): the proxy's URL answers 404 till then.
        uploaded.set(clientId, media)
        setProgress(clientId, null)
        return uploadId
      } catch (error) {
        const allowed = limits.value
        if (!controller.signal.aborted) {
          setProgress(clientId, 0)
          // The proxy sniffs the bytes and may judge differently from the browser.
          if (allowed && error instanceof HttpFailure && error.status === 413)
            refusal.value = tooBig(file.file, allowed)
          if (error instanceof HttpFailure && error.status === 415)
            refusal.value = { reason: 'type' }
        }
        throw error
      } finally {
        if (current?.controller === controller) current = null
      }
    },

    /** Forgets every file: a new conversation, or the chat going away. */
    reset(): void {
      current?.controller.abort()
      release(staged.value)
      for (const file of files.values()) release(file)
      files.clear()
      uploadIds.clear()
      uploaded.clear()
      batch(() => {
        staged.value = null
        refusal.value = null
        progress.value = {}
      })
    },
  }
}

/** `types` from the proxy's config: exact (`image/png`) or a family (`image/*`). */
function accepts(types: string[], type: string): boolean {
  const t = type.toLowerCase()
  return (
    t !== '' && types.some((a) => a === t || (a.endsWith('/*') && t.startsWith(a.slice(0, -1))))
  )
}

function kindOf(type: string): MediaKind {
  const family = type.split('/')[0]
  return family === 'image' || family === 'video' || family === 'audio' ? family : 'file'
}
