/** Asks before ending: ending cannot be undone, and the button sits next to Minimize. */
import { useEffect, useRef } from 'preact/hooks'
import type { ConversationModel } from '../conversation/model.ts'
import { endingText } from '../i18n/ending.ts'
import { t } from '../i18n/text.ts'

/** `onCancel`: the question is gone; focus goes back to the message box. */
export function EndChatConfirm({
  model,
  onCancel,
}: {
  model: ConversationModel
  onCancel: () => void
}) {
  const words = endingText()
  const cancel = useRef<HTMLButtonElement>(null)
  useEffect(() => cancel.current?.focus(), [])
  return (
    <fieldset class="zc-bar">
      <legend>{words.endQuestion}</legend>
      <button type="button" class="zc-primary" onClick={() => void model.confirmEnd()}>
        {words.confirmEnd}
      </button>
      <button type="button" ref={cancel} class="zc-secondary" onClick={onCancel}>
        {t.cancel}
      </button>
    </fieldset>
  )
}
