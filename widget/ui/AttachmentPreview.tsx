/**
 * The file about to be sent, above the message box: its preview and "Remove" (Escape too). The
 * composer's Send sends it, with the box's words as its caption (ui/Composer.tsx). Above it, why a
 * file was refused, when one was; beside it, a line that tells a screen reader a file is attached.
 */
import { useLayoutEffect } from 'preact/hooks'
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
  focusBox,
}: {
  attachment: Attachment
  /** Takes the visitor to the message box: a new file's caption, or the file gone. */
  focusBox: () => void
}) {
  const words = attachmentText()
  const refusal = attachment.refusal.value
  const staged = attachment.staged.value
  // Each new file (picked, dropped or pasted) takes the visitor to the box, its caption.
  useLayoutEffect(() => {
    if (staged) focusBox()
  }, [staged])
  const remove = () => {
    attachment.remove()
    focusBox()
  }
  return (
    <>
      {refusal && (
        <p class="zc-alert" role="alert">
          {explain(refusal)}
        </p>
      )}
      {/* Mounted before any file, so that a file's arrival in it is announced. */}
      <p class="zc-sr" role="status">
        {staged && words.attached(staged.media.name ?? '')}
      </p>
      {staged && (
        <fieldset
          class="zc-preview"
          aria-label={words.fileToSend}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return
            e.stopPropagation()
            remove()
          }}
        >
          <FileCard media={staged.media} />
          <button type="button" class="zc-secondary" onClick={remove}>
            {words.remove}
          </button>
        </fieldset>
      )}
    </>
  )
}
