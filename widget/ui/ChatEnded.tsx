/** After the chat: the ending line, the rating, and a way to start over. */
import type { ConversationModel } from '../conversation/model.ts'
import { endingText } from '../i18n/ending.ts'
import { t } from '../i18n/text.ts'
import { RatingForm } from './RatingForm.tsx'

export function ChatEnded({ model }: { model: ConversationModel }) {
  const words = endingText()
  return (
    <div class="zc-panel-body">
      <p role="status">
        <strong>{words.ended}</strong>
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
