/** Transient trouble that does not change the conversation (the form's errors sit by their fields). */
import { limits } from '../../proxy/protocol/wire.ts'
import type { Alert, ConversationModel } from '../conversation/model.ts'

const sentences: Record<Alert, string> = {
  'end-failed': "We couldn't end the chat. Please try again.",
  'too-long': `Your message is too long: ${limits.textLength.toLocaleString('en')} characters at most.`,
}

export function AlertLine({ model }: { model: ConversationModel }) {
  const alert = model.alert.value
  if (alert === null) return null
  return (
    <p class="zc-alert" role="alert">
      {sentences[alert]}
    </p>
  )
}
