/** A failure as a sentence the visitor understands, with the one action that can help. */

import type { FailureReason } from '../conversation/machine.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { t } from '../i18n/text.ts'

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
      <p>{t.failure[reason]}</p>
      <div class="zc-row">
        {retryable ? (
          <button type="button" class="zc-primary" onClick={model.tryAgain}>
            {t.tryAgain}
          </button>
        ) : (
          <button type="button" class="zc-secondary" onClick={model.startNew}>
            {t.startNew}
          </button>
        )}
      </div>
    </div>
  )
}
