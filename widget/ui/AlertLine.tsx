/** Transient trouble that does not change the conversation (the form's errors sit by their fields). */
import { limits } from '../../proxy/protocol/wire.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { formatNumber, t } from '../i18n/text.ts'

export function AlertLine({ model }: { model: ConversationModel }) {
  const alert = model.alert.value
  if (alert === null) return null
  return (
    <p class="zc-alert" role="alert">
      {alert === 'end-failed' ? t.endFailed : t.tooLong(formatNumber(limits.textLength))}
    </p>
  )
}
