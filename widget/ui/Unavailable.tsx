/**
 * No agent can chat: zChat found none, or it is outside the site's opening hours. Said plainly, with
 * the leave-a-message form when the proxy takes messages, and a thank-you naming the reply address.
 */
import { useEffect, useRef } from 'preact/hooks'
import type { LeaveMessageModel } from '../conversation/leave-message.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { LeaveMessageForm } from './LeaveMessageForm.tsx'

type Props = {
  model: ConversationModel
  leave: LeaveMessageModel
  reason: 'no-agents' | 'closed'
}

export function Unavailable({ model, leave, reason }: Props) {
  const status = leave.status.value
  const thanks = useRef<HTMLParagraphElement>(null)
  // The form (and the focus in it) is gone once sent: keep focus in the window, on the thank-you.
  useEffect(() => {
    if (status.name === 'sent') thanks.current?.focus()
  }, [status.name])

  const hours = leave.openingHours
  return (
    <div class="zc-panel-body">
      <p role="alert">
        {reason === 'closed'
          ? `We're closed right now.${hours ? ` Our opening hours: ${hours}.` : ''}`
          : 'No agents are available right now.'}
      </p>
      {status.name === 'off' && <p>Please try again later.</p>}
      {status.name === 'sent' && (
        <p ref={thanks} tabIndex={-1} role="status">
          Thanks — we'll reply by e-mail to {status.email}
        </p>
      )}
      {(status.name === 'editing' || status.name === 'sending' || status.name === 'failed') && (
        <>
          <p>Leave a message and we'll reply by e-mail.</p>
          <LeaveMessageForm leave={leave} />
        </>
      )}
      {reason === 'no-agents' && (
        <div class="zc-row">
          <button type="button" class="zc-link" onClick={model.startNew}>
            Start a new chat
          </button>
        </div>
      )}
    </div>
  )
}
