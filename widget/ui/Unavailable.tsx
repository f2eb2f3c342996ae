/**
 * No agent can chat: zChat found none, or it is outside the site's opening hours. Said plainly, with
 * the leave-a-message form when the proxy takes messages, and a thank-you naming the reply address.
 */
import { useLayoutEffect, useRef } from 'preact/hooks'
import type { LeaveMessageModel } from '../conversation/leave-message.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { leaveText } from '../i18n/leave-message.ts'
import { t } from '../i18n/text.ts'
import { LeaveMessageForm } from './LeaveMessageForm.tsx'

type Props = {
  model: ConversationModel
  leave: LeaveMessageModel
  reason: 'no-agents' | 'closed'
}

export function Unavailable({ model, leave, reason }: Props) {
  const l = leaveText()
  const status = leave.status.value
  const thanks = useRef<HTMLParagraphElement>(null)
  // The form (and the focus in it) is gone once sent: keep focus in the window, on the thank-you,
  // in the commit that removes it (no key pressed before the next frame reaches the page).
  useLayoutEffect(() => {
    if (status.name === 'sent') thanks.current?.focus()
  }, [status.name])

  const hours = leave.openingHours
  return (
    <div class="zc-panel-body">
      <p role="alert">{reason === 'closed' ? l.closedNow(hours ?? '') : l.noAgents}</p>
      {status.name === 'off' && <p>{l.tryLater}</p>}
      {status.name === 'sent' && (
        <p ref={thanks} tabIndex={-1} role="status">
          {l.thanksLeft(status.email)}
        </p>
      )}
      {(status.name === 'editing' || status.name === 'sending' || status.name === 'failed') && (
        <>
          <p>{l.leaveIntro}</p>
          <LeaveMessageForm leave={leave} />
        </>
      )}
      {reason === 'no-agents' && (
        <div class="zc-row">
          <button type="button" class="zc-link" onClick={model.startNew}>
            {t.startNew}
          </button>
        </div>
      )}
    </div>
  )
}
