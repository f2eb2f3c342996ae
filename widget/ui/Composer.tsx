/**
 * Where the visitor writes: a textarea labelled "Message" and a "Send" button. Enter sends,
 * Shift+Enter adds a line; Enter while an IME is composing belongs to the IME.
 */
import type { Ref } from 'preact'
import { limits } from '../../proxy/protocol/wire.ts'
import type { ConversationModel } from '../conversation/model.ts'

export function Composer({
  model,
  inputRef,
}: {
  model: ConversationModel
  inputRef: Ref<HTMLTextAreaElement>
}) {
  const draft = model.draft.value
  const left = limits.textLength - draft.length
  return (
    <>
      {left < 200 && (
        <p class="zc-count" data-over={left < 0 ? '' : undefined} id="zc-count" aria-live="polite">
          {left < 0 ? `${-left} characters over the limit` : `${left} characters left`}
        </p>
      )}
      <form
        class="zc-composer"
        onSubmit={(e) => {
          e.preventDefault()
          model.send()
        }}
      >
        <label class="zc-sr" for="zc-message">
          Message
        </label>
        <textarea
          id="zc-message"
          ref={inputRef}
          rows={1}
          value={draft}
          placeholder="Write a message…"
          aria-invalid={left < 0}
          aria-describedby={left < 200 ? 'zc-count' : undefined}
          onInput={(e) => model.setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              model.send()
            }
          }}
        />
        <button type="submit" class="zc-primary">
          Send
        </button>
      </form>
    </>
  )
}
