/** Transient trouble that does not change the conversation (the email error sits by its field). */
import { limits } from '../../proxy/protocol/wire.ts'
import type { Alert, ConversationModel } from '../conversation/model.ts'

const sentences: Record<Exclude<Alert, 'email-invalid'>, string> = {
  'end-failed': "We couldn't end the chat. Please try again.",
  'too-long': `Your message is too long: ${limits.textLength.toLocaleString('en')} characters at most.`,
}

export function AlertLine({ model }: { model: ConversationModel }) {
  const alert = model.alert.value
  if (alert === null || alert === 'email-invalid') return null
  return (
    <p class="zc-alert" role="alert">
      {sentences[alert]}
    </p>
  )
}
