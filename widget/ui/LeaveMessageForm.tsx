/**
 * "Leave a message": name (optional), email and message, then Send message. Problems show next to
 * their field after a Send; a failed send keeps everything typed and offers Try again.
 */
import { limits } from '../../protocol/wire.ts'
import type { LeaveMessageModel, LeaveMessageProblem } from '../conversation/leave-message.ts'
import { leaveText } from '../i18n/leave-message.ts'
import { formatNumber, t } from '../i18n/text.ts'

function problemText(problem: LeaveMessageProblem): string {
  const l = leaveText()
  return problem === 'text-too-long'
    ? l.leaveProblems[problem](formatNumber(limits.textLength))
    : l.leaveProblems[problem]
}

export function LeaveMessageForm({ leave }: { leave: LeaveMessageModel }) {
  const l = leaveText()
  const status = leave.status.value
  const problems = leave.problems.value
  const sending = status.name === 'sending'
  const problemOf = (field: 'email' | 'text') => problems.find((p) => p.startsWith(field))
  const emailProblem = problemOf('email')
  const textProblem = problemOf('text')
  return (
    <form
      class="zc-form zc-leave"
      aria-label={l.leaveMessage}
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        const form = e.currentTarget
        void leave.submit()
        // The check is synchronous: take the visitor to the first field to fix (its error is read out).
        const first = leave.problems.value[0]?.split('-')[0]
        if (first) form.querySelector<HTMLElement>(`#zc-leave-${first}`)?.focus()
      }}
    >
      <label for="zc-leave-name">{l.nameOptional}</label>
      <input
        id="zc-leave-name"
        autocomplete="name"
        maxLength={limits.nameLength}
        value={leave.name.value}
        onInput={(e) => leave.setField('name', e.currentTarget.value)}
      />
      <label for="zc-leave-email">{t.fields.email}</label>
      <input
        id="zc-leave-email"
        type="email"
        autocomplete="email"
        required
        maxLength={limits.emailLength}
        value={leave.email.value}
        aria-invalid={emailProblem !== undefined}
        aria-describedby={emailProblem ? 'zc-leave-email-error' : undefined}
        onInput={(e) => leave.setField('email', e.currentTarget.value)}
      />
      {emailProblem && (
        <p id="zc-leave-email-error" class="zc-failed">
          {problemText(emailProblem)}
        </p>
      )}
      <label for="zc-leave-text">{t.message}</label>
      <textarea
        id="zc-leave-text"
        rows={4}
        required
        maxLength={limits.textLength}
        value={leave.text.value}
        aria-invalid={textProblem !== undefined}
        aria-describedby={textProblem ? 'zc-leave-text-error' : undefined}
        onInput={(e) => leave.setField('text', e.currentTarget.value)}
      />
      {textProblem && (
        <p id="zc-leave-text-error" class="zc-failed">
          {problemText(textProblem)}
        </p>
      )}
      {status.name === 'failed' && (
        <p class="zc-failed" role="alert">
          {l.leaveFailure[status.reason]}
        </p>
      )}
      <div class="zc-row">
        <button type="submit" class="zc-primary" aria-disabled={sending}>
          {sending ? t.delivery.sending : status.name === 'failed' ? t.tryAgain : l.sendMessage}
        </button>
      </div>
    </form>
  )
}
