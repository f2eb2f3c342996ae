/**
 * The pre-chat form the site configures: which fields (`data-prechat="name*,email*,phone,cpf"`,
 * `*` = required, in display order), and an optional privacy-policy consent. The visitor's answers
 * live in the conversation's profile; this model says what is missing or wrong once they try to
 * start, and whether the site already told us enough (`zchat('identify', ...)`) to skip the fields.
 */
import { computed, type ReadonlySignal, signal } from '@preact/signals'
import type { VisitorProfile } from '../../protocol/schemas.ts'
import type { Choice } from './choice.ts'
import { type FieldProblem, fieldProblem, type PrechatField, prechatFields } from './validate.ts'

export type FieldSpec = { field: PrechatField; required: boolean }

export type PrechatSettings = {
  fields: FieldSpec[]
  /** The site's privacy policy, linked next to the consent. */
  privacyUrl?: string
  /** The visitor must tick "I agree to the privacy policy" before starting. */
  consentRequired: boolean
  /**
   * The site offers a choice of department or channel (`data-departments`, `data-channels`): no
   * chat starts before it is there (its part, loaded with the form) and made.
   */
  choice?: boolean
}

/** What the form asked before sites could configure it: name and email, both optional. */
export const defaultPrechat: PrechatSettings = {
  fields: [
    { field: 'name', required: false },
    { field: 'email', required: false },
  ],
  consentRequired: false,
}

/** `name*,email*,phone,cpf` -> the fields; unknown or repeated names are reported and left out. */
export function readPrechatFields(spec: string): { fields: FieldSpec[]; problems: string[] } {
  const fields: FieldSpec[] = []
  const problems: string[] = []
  for (const item of spec.split(',').map((part) => part.trim())) {
    if (item === '') continue
    const required = item.endsWith('*')
    const name = item.replace(/\*$/, '').trim().toLowerCase()
    const field = prechatFields.find((known) => known === name)
    if (!field) problems.push(`"${item}" (expected name, email, phone or cpf)`)
    else if (fields.some((spec) => spec.field === field)) problems.push(`"${item}" (repeated)`)
    else fields.push({ field, required })
  }
  return { fields, problems }
}

export type PrechatProblems = Partial<Record<PrechatField | 'consent', FieldProblem>>

export type Prechat = ReturnType<typeof createPrechat>

export function createPrechat(settings: PrechatSettings, profile: ReadonlySignal<VisitorProfile>) {
  /** What the site supplied (identify, a signed identity), as opposed to what the visitor typed. */
  const known = signal<VisitorProfile>({})
  const consent = signal(false)
  /** Tries to start; problems show from the first one on, and update as the visitor fixes them. */
  const attempts = signal(0)
  /** The site's choice of department and channel (choice.ts), once its part is loaded. */
  const choice = signal<Choice | null>(null)

  /** The site gave every required field (every field, when none is required): nothing to ask. */
  const skipFields = computed(() => {
    const required = settings.fields.filter((spec) => spec.required)
    const needed = required.length > 0 ? required : settings.fields
    return needed.every(({ field }) => fieldProblem(field, known.value[field], true) === null)
  })

  const problems = computed(() => {
    const found: PrechatProblems = {}
    if (attempts.value === 0) return found
    if (!skipFields.value) {
      for (const { field, required } of settings.fields) {
        const problem = fieldProblem(field, profile.value[field], required)
        if (problem) found[field] = problem
      }
    }
    if (settings.consentRequired && !consent.value) found.consent = 'missing'
    return found
  })

  return {
    settings,
    known,
    consent,
    attempts,
    skipFields,
    problems,
    choice,
    /** Whether the conversation may start; otherwise the problems show by their fields. */
    check(): boolean {
      attempts.value++
      return (
        Object.keys(problems.value).length === 0 &&
        (choice.value ? choice.value.ok() : !settings.choice)
      )
    },
    setConsent(agreed: boolean): void {
      consent.value = agreed
    },
    reset(): void {
      attempts.value = 0
    },
  }
}
