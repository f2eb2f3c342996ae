/**
 * Transient trouble that does not change the conversation (the form's errors sit by their fields):
 * why the last message was not sent, too, next to its "Not sent" and Retry.
 */
import { limits } from '../../protocol/wire.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { formatNumber, t } from '../i18n/text.ts'

export function AlertLine({ model }: { model: ConversationModel }) {
  const alert = model.alert.value
  const problem = model.sendProblem.value
  if (alert === null && problem === null) return null
  return (
    <p class="zc-alert" role="alert">
      {alert === 'end-failed'
        ? t.endFailed
        : alert === 'too-long'
          ? t.tooLong(formatNumber(limits.textLength))
          : problem?.kind === 'offline'
            ? t.offlineQueued
            : problem?.kind === 'busy'
              ? t.waitSeconds(problem.seconds)
              : problem?.kind === 'refused'
                ? t.refused[problem.why]
                : t.couldNotSend}
    </p>
  )
}
