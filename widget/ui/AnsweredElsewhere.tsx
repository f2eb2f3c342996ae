/**
 * A conversation the agent answers on the visitor's phone: where ("We'll answer on your WhatsApp
 * +55 11 99141-7777"), in place of the message box. What was sent stays above, with zChat's queue
 * and agent as they come; "Chat here instead" ends it and starts a chat here, when the site offers one.
 */
import { chatHereInstead } from '../chat/offer-choice.ts'
import { isLive } from '../conversation/machine.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { choiceText, formatPhone } from '../i18n/choice.ts'

export function AnsweredElsewhere({ model }: { model: ConversationModel }) {
  const c = choiceText()
  const on = model.answeredOn.value
  // Once it ended, the window says so (ChatEnded.tsx).
  if (!on || !isLive(model.phase.value)) return null
  return (
    <div class="zc-panel-body">
      <p role="status">{c.answeredOn[on.channel](formatPhone(on.phone))}</p>
      {model.prechat.choice.value?.channels.includes('web') && (
        <div class="zc-row">
          <button type="button" class="zc-link" onClick={() => void chatHereInstead(model)}>
            {c.chatHere}
          </button>
        </div>
      )}
    </div>
  )
}
