/**
 * Where the visitor writes: a textarea labelled "Message" and a "Send" button. Enter sends,
 * Shift+Enter adds a line; Enter while an IME is composing belongs to the IME. When the proxy takes
 * uploads, "Attach a file" and pasting an image put a file in the preview above (a part loaded at the
 * first file, chat/parts.ts); the box is then its caption ("Add a caption"), and Send sends both as
 * one message, as in WhatsApp: one box and one Send, never two.
 */
import type { RefObject } from 'preact'
import { limits } from '../../protocol/wire.ts'
import { attachmentPart } from '../chat/parts.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { t } from '../i18n/text.ts'
import { AttachButton } from './AttachButton.tsx'
import { PartSlot } from './PartSlot.tsx'

export function Composer({
  model,
  inputRef,
}: {
  model: ConversationModel
  inputRef: RefObject<HTMLTextAreaElement | null>
}) {
  const draft = model.draft.value
  const left = limits.textLength - draft.length
  const { attachment } = model
  const staged = attachment.staged.value
  const part = attachmentPart.state.value
  // While a file waits, the box is its caption: its words come with the preview's part.
  const box = (staged && part.name === 'ready' && part.part.attachmentText()) || t
  return (
    <>
      {(staged || attachment.refusal.value || part.name === 'ready') && (
        <PartSlot part={attachmentPart}>
          {({ AttachmentPreview }) => (
            <AttachmentPreview attachment={attachment} focusBox={() => inputRef.current?.focus()} />
          )}
        </PartSlot>
      )}
      {left < 200 && (
        <p class="zc-count" data-over={left < 0 ? '' : undefined} id="zc-count" aria-live="polite">
          {left < 0 ? t.charsOver(-left) : t.charsLeft(left)}
        </p>
      )}
      <form
        class="zc-composer"
        onSubmit={(e) => {
          e.preventDefault()
          model.send()
        }}
      >
        <AttachButton attachment={attachment} />
        <label class="zc-sr" for="zc-message">
          {box.message}
        </label>
        <textarea
          id="zc-message"
          ref={inputRef}
          rows={1}
          value={draft}
          placeholder={box.placeholder}
          aria-invalid={left < 0}
          aria-describedby={left < 200 ? 'zc-count' : undefined}
          onInput={(e) => model.setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Safari ends a composition with an Enter whose isComposing is already false: its
            // keyCode 229 ("an IME is handling this key") still tells.
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
              e.preventDefault()
              model.send()
            }
          }}
          onPaste={(e) => {
            const data = e.clipboardData
            const file = data?.files[0]
            // Text copied from a document may come with a picture of itself: then the text wins.
            if (!file || !attachment.limits.value || data.types.includes('text/plain')) return
            e.preventDefault()
            attachment.stage(file)
          }}
        />
        <button type="submit" class="zc-primary">
          {t.send}
        </button>
      </form>
    </>
  )
}
