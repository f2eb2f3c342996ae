/** A failure as a sentence the visitor understands, with the one action that can help. */

import type { FailureReason } from '../conversation/machine.ts'
import type { ConversationModel } from '../conversation/model.ts'

const sentences: Record<FailureReason, string> = {
  offline: "We couldn't connect to the chat. Please check your connection and try again.",
  busy: 'The chat is very busy right now. Please wait a moment and try again.',
  rejected: "Sorry, we couldn't start the chat.",
  gone: 'This chat has ended or expired.',
}

export function FailureNotice({
  model,
  reason,
  retryable,
}: {
  model: ConversationModel
  reason: FailureReason
  retryable: boolean
}) {
  return (
    <div class="zc-panel-body" role="alert">
      <p>{sentences[reason]}</p>
      <div class="zc-row">
        {retryable ? (
          <button type="button" class="zc-primary" onClick={model.tryAgain}>
            Try again
          </button>
        ) : (
          <button type="button" class="zc-secondary" onClick={model.startNew}>
            Start a new chat
          </button>
        )}
      </div>
    </div>
  )
}
