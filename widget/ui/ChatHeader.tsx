/**
 * The window's title bar: the site's title; while a conversation is on, "Download the conversation"
 * (from the ending part, once it is there) and "End chat"; "Minimize".
 */
import { endingPart } from '../chat/parts.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { t } from '../i18n/text.ts'

export function ChatHeader({
  title,
  model,
  onMinimize,
}: {
  title: string
  model: ConversationModel
  onMinimize: () => void
}) {
  const phase = model.phase.value.name
  const canEnd = (phase === 'queued' || phase === 'chatting') && !model.confirmingEnd.value
  // Fetched once the visitor is queued (mount.tsx); until then, or if it failed, no Download here:
  // the ended window offers it too, and says there when its part could not be fetched.
  const ending = endingPart.state.value
  return (
    <div class="zc-header">
      <h2 class="zc-title">{title}</h2>
      {canEnd && ending.name === 'ready' && <ending.part.DownloadButton model={model} />}
      {canEnd && (
        <button type="button" onClick={model.requestEnd}>
          {t.endChat}
        </button>
      )}
      <button type="button" class="zc-icon" aria-label={t.minimize} onClick={onMinimize}>
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M5 11h14v2H5z" />
        </svg>
      </button>
    </div>
  )
}
