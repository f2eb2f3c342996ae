/** Asks before ending: ending cannot be undone, and the button sits next to Minimize. */
import { useLayoutEffect, useRef } from 'preact/hooks'
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
  // In the commit that draws the question, not after the next frame: the header's End chat button
  // that had focus is gone, and an Escape pressed meanwhile would reach the page's <body>.
  useLayoutEffect(() => cancel.current?.focus(), [])
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
