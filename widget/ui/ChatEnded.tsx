/** After the chat: the ending line, the rating, and a way to start over. */
import type { ConversationModel } from '../conversation/model.ts'
import { RatingForm } from './RatingForm.tsx'

export function ChatEnded({ model }: { model: ConversationModel }) {
  return (
    <div class="zc-panel-body">
      <p role="status">
        <strong>The chat has ended</strong>
      </p>
      <RatingForm model={model} />
      <div class="zc-row">
        <button type="button" class="zc-link" onClick={model.startNew}>
          Start a new chat
        </button>
      </div>
    </div>
  )
}
