/** "Download the conversation", an icon in the window's header beside End chat, while the chat goes on. */
import type { ConversationModel } from '../conversation/model.ts'
import { endingText } from '../i18n/ending.ts'
import { downloadTranscript } from './save-file.ts'

export function DownloadButton({ model }: { model: ConversationModel }) {
  const { download } = endingText()
  return (
    <button
      type="button"
      class="zc-icon"
      aria-label={download}
      title={download}
      onClick={() => downloadTranscript(model)}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M11 4h2v8.2l3.3-3.3 1.4 1.4-5.7 5.7-5.7-5.7 1.4-1.4 3.3 3.3zM5 18h14v2H5z" />
      </svg>
    </button>
  )
}
