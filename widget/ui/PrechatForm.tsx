/**
 * The fields the site asks for before the first message (`data-prechat`), and its privacy-policy
 * consent (`data-privacy-url`, `data-consent`). Writing a message starts the chat once nothing is
 * missing; each problem shows under its field (role=alert) and focus moves to the first one, the
 * site's choice above the form included (ChoiceFields.tsx).
 */
import { Fragment } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { cpfLength } from '../../protocol/checks.ts'
import { limits } from '../../protocol/wire.ts'
import type { ConversationModel } from '../conversation/model.ts'
import type { FieldProblem } from '../conversation/validate.ts'
import { t } from '../i18n/text.ts'

type Model = Pick<ConversationModel, 'prechat' | 'profile' | 'setProfile'>

const inputs = {
  name: { type: 'text', autocomplete: 'name', maxLength: limits.nameLength },
  email: { type: 'email', autocomplete: 'email', maxLength: limits.emailLength },
  phone: { type: 'tel', autocomplete: 'tel', maxLength: limits.phoneLength },
  // Not `number`: a CPF is written with dots and a dash, and may start with 0.
  cpf: { type: 'text', autocomplete: 'off', maxLength: cpfLength },
} as const

export function PrechatForm({ model }: { model: Model }) {
  const form = useRef<HTMLDivElement>(null)
  const attempts = model.prechat.attempts.value
  // A refused start: take the visitor to the first thing to fix.
  useEffect(() => {
    const scope = form.current?.closest('[role="dialog"]') ?? form.current
    if (attempts > 0) scope?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [attempts])
  return (
    <div ref={form}>
      <PrechatFields model={model} />
    </div>
  )
}

/** The form itself, with no hooks (tests render it without a DOM). */
export function PrechatFields({ model }: { model: Model }) {
  const { settings, skipFields } = model.prechat
  const problems = model.prechat.problems.value
  const profile = model.profile.value
  const choice = model.prechat.choice.value
  // Answered on the phone, its phone is asked there (ChannelChoice), required: not twice.
  const fields = (skipFields.value ? [] : settings.fields).filter(
    (spec) => spec.field !== 'phone' || !choice || choice.channel.value === 'web',
  )
  const consent = settings.privacyUrl && (
    <Consent model={model} url={settings.privacyUrl} problem={problems.consent} />
  )
  if (fields.length === 0) return consent ? <div class="zc-form">{consent}</div> : null
  const anyRequired = fields.some((spec) => spec.required)
  const p = t.prechat
  return (
    <fieldset class="zc-form">
      <legend>{anyRequired ? p.prechatRequired : p.prechatOptional}</legend>
      {anyRequired && <p class="zc-hint">{p.requiredHint}</p>}
      {fields.map(({ field, required }) => {
        const id = `zc-${field}`
        const problem = problems[field]
        const input = inputs[field]
        return (
          <Fragment key={field}>
            <label for={id}>
              {t.fields[field]}
              {required && <span aria-hidden="true"> *</span>}
            </label>
            <input
              id={id}
              // Preact types each input type as its own variant; a union of three matches none.
              type={input.type as 'text'}
              autocomplete={input.autocomplete}
              inputMode={field === 'cpf' ? 'numeric' : undefined}
              maxLength={input.maxLength}
              required={required}
              value={profile[field] ?? ''}
              aria-invalid={problem !== undefined}
              aria-describedby={problem ? `${id}-error` : undefined}
              onInput={(e) => model.setProfile({ [field]: e.currentTarget.value })}
            />
            {problem && (
              <p id={`${id}-error`} class="zc-failed" role="alert">
                {p.problems[field][problem]}
                {!required && p.orLeaveEmpty}
              </p>
            )}
          </Fragment>
        )
      })}
      {consent}
    </fieldset>
  )
}

/** Required: a checkbox the visitor must tick. Otherwise a notice: nothing to tick, nothing recorded. */
function Consent({
  model,
  url,
  problem,
}: {
  model: Model
  url: string
  problem: FieldProblem | undefined
}) {
  const p = t.prechat
  const link = (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {p.privacyPolicy}
    </a>
  )
  if (!model.prechat.settings.consentRequired)
    return (
      <p class="zc-hint">
        {p.consentNotice[0]}
        {link}
        {p.consentNotice[1]}
      </p>
    )
  return (
    <>
      <div class="zc-consent">
        <input
          id="zc-consent"
          type="checkbox"
          required
          checked={model.prechat.consent.value}
          aria-invalid={problem !== undefined}
          aria-describedby={problem ? 'zc-consent-error' : undefined}
          onChange={(e) => model.prechat.setConsent(e.currentTarget.checked)}
        />
        <label for="zc-consent">
          {p.consentLabel[0]}
          {link}
          {p.consentLabel[1]}
        </label>
      </div>
      {problem && (
        <p id="zc-consent-error" class="zc-failed" role="alert">
          {p.consentMissing}
        </p>
      )}
    </>
  )
}
