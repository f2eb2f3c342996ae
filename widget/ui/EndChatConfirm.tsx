/** Asks before ending: ending cannot be undone, and the button sits next to Minimize. */
import { useEffect, useRef } from 'preact/hooks'
import type { ConversationModel } from '../conversation/model.ts'
import { t } from '../i18n/text.ts'

export function EndChatConfirm({ model }: { model: ConversationModel }) {
  const cancel = useRef<HTMLButtonElement>(null)
  useEffect(() => cancel.current?.focus(), [])
  return (
    <fieldset class="zc-bar">
      <legend>{t.endQuestion}</legend>
      <button type="button" class="zc-primary" onClick={() => void model.confirmEnd()}>
        {t.confirmEnd}
      </button>
      <button type="button" ref={cancel} class="zc-secondary" onClick={model.cancelEnd}>
        {t.cancel}
      </button>
    </fieldset>
  )
}
