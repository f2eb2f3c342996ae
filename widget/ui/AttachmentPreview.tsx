/**
 * The file about to be sent: its preview, an optional caption, "Send file" and "Remove". Enter in the
 * caption sends, Escape removes. Above it, why a file was refused, when one was.
 */
import { useLayoutEffect, useRef } from 'preact/hooks'
import { limits } from '../../protocol/wire.ts'
import type { Attachment, Refusal } from '../conversation/attachment.ts'
import { attachmentText } from '../i18n/attachment.ts'
import { FileCard } from './FileCard.tsx'
import { formatSize } from './format.ts'

function explain(refusal: Refusal): string {
  const words = attachmentText()
  return refusal.reason === 'type'
    ? words.typeRefused
    : words.tooBig(formatSize(refusal.size), formatSize(refusal.maxBytes))
}

export function AttachmentPreview({
  attachment,
  onDone,
}: {
  attachment: Attachment
  /** The preview is gone: focus goes back to the message box. */
  onDone: () => void
}) {
  const words = attachmentText()
  const refusal = attachment.refusal.value
  const staged = attachment.staged.value
  const caption = useRef<HTMLInputElement>(null)
  // Each new file (picked, dropped or pasted) takes the visitor to its caption.
  useLayoutEffect(() => {
    if (staged) caption.current?.focus()
  }, [staged])
  const remove = () => {
    attachment.remove()
    onDone()
  }
  return (
    <>
      {refusal && (
        <p class="zc-alert" role="alert">
          {explain(refusal)}
        </p>
      )}
      {staged && (
        <form
          class="zc-preview"
          aria-label={words.fileToSend}
          onSubmit={(e) => {
            e.preventDefault()
            attachment.send()
            if (!attachment.staged.value) onDone()
          }}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return
            e.stopPropagation()
            remove()
          }}
        >
          <FileCard media={staged.media} />
          <label class="zc-sr" for="zc-caption">
            {words.caption}
          </label>
          <input
            id="zc-caption"
            ref={caption}
            maxLength={limits.textLength}
            placeholder={words.captionPlaceholder}
            value={attachment.caption.value}
            onInput={(e) => attachment.setCaption(e.currentTarget.value)}
          />
          <button type="submit" class="zc-primary">
            {words.sendFile}
          </button>
          <button type="button" class="zc-secondary" onClick={remove}>
            {words.remove}
          </button>
        </form>
      )}
    </>
  )
}
