/** zChat found no agent for the department. */
import type { ConversationModel } from '../conversation/model.ts'

export function Unavailable({ model }: { model: ConversationModel }) {
  return (
    <div class="zc-panel-body" role="alert">
      <p>No agents are available right now. Please try again later.</p>
      <div class="zc-row">
        <button type="button" class="zc-secondary" onClick={model.startNew}>
          Start a new chat
        </button>
      </div>
    </div>
  )
}
