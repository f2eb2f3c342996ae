/** After the chat: the ending line, the rating, and a way to start over. */
import type { ConversationModel } from '../conversation/model.ts'
import { t } from '../i18n/text.ts'
import { RatingForm } from './RatingForm.tsx'

export function ChatEnded({ model }: { model: ConversationModel }) {
  return (
    <div class="zc-panel-body">
      <p role="status">
        <strong>{t.ended}</strong>
      </p>
      <RatingForm model={model} />
      <div class="zc-row">
        <button type="button" class="zc-link" onClick={model.startNew}>
          {t.startNew}
        </button>
      </div>
    </div>
  )
}
