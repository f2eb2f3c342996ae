/**
 * "Leave a message" when no agent can chat (zChat found none, or the site is closed): the visitor's
 * name (optional), email and message, checked here, then sent once through the injected port. The
 * proxy may have the feature off (no LEAVE_MESSAGE_URL): then only the notice is shown.
 */
import { batch, signal } from '@preact/signals'
import type { MessageLeftBody } from '../../protocol/schemas.ts'
import { limits } from '../../protocol/wire.ts'
import { classify, HttpFailure } from './failure.ts'
import type { Entry } from './transcript.ts'
import { isEmail } from './visitor-profile.ts'

export type LeaveMessageStatus =
  /** The proxy does not take messages: the visitor is only told to come back later. */
  | { name: 'off' }
  | { name: 'editing' }
  | { name: 'sending' }
  | { name: 'sent'; email: string }
  /** `busy`: too many messages (429, or the proxy's queue is full); `offline`: worth another go now. */
  | { name: 'failed'; reason: 'offline' | 'busy' | 'rejected' }

export type LeaveMessageProblem =
  | 'email-missing'
  | 'email-invalid'
  | 'text-missing'
  | 'text-too-long'

export type LeaveMessageContext = Pick<MessageLeftBody, 'department' | 'page' | 'captcha'>

export type LeaveMessageDeps = {
  send(body: MessageLeftBody): Promise<void>
  /** Whether the proxy takes messages. A failure to tell counts as yes: sending will say. */
  enabled(): Promise<boolean>
  /**
   * The department and page a conversation's start would send, and the page's CAPTCHA token when it
   * gives one (asked at each send: a token is good once).
   */
  context(): LeaveMessageContext | Promise<LeaveMessageContext>
  /** The site's opening hours as the visitor reads them, when it has any. */
  openingHours?: string
}

/** What the form starts with: the visitor's known details, and what they wrote in the chat. */
export type LeaveMessagePrefill = {
  name?: string | undefined
  email?: string | undefined
  text?: string | undefined
  conversationId?: string | undefined
}

export type LeaveMessageModel = ReturnType<typeof createLeaveMessage>

/** What stops the message from being sent, in field order; empty when it can go. */
export function checkLeftMessage(fields: { email: string; text: string }): LeaveMessageProblem[] {
  const problems: LeaveMessageProblem[] = []
  const email = fields.email.trim()
  const text = fields.text.trim()
  if (email === '') problems.push('email-missing')
  else if (!isEmail(email)) problems.push('email-invalid')
  if (text === '') problems.push('text-missing')
  else if (text.length > limits.textLength) problems.push('text-too-long')
  return problems
}

/** The visitor's own messages from a chat that found no agent: the message they meant to send. */
export function visitorWords(transcript: Entry[]): string {
  return transcript
    .flatMap((entry) => (entry.kind === 'visitor' && entry.text.trim() ? [entry.text.trim()] : []))
    .join('\n\n')
    .slice(0, limits.textLength)
}

function failureReason(error: unknown): 'offline' | 'busy' | 'rejected' | 'off' {
  // 503: the proxy's delivery queue is full, which is busy, not the visitor's connection.
  if (error instanceof HttpFailure && error.status === 503) return 'busy'
  // A 403 on the CAPTCHA: the page's check was not passed, which another try may.
  if (error instanceof HttpFailure && error.field === 'captcha') return 'rejected'
  switch (classify(error)) {
    // 404: the proxy has the feature off after all; 403: this site may not use it.
    case 'gone':
      return 'off'
    case 'busy':
      return 'busy'
    case 'retryable':
      return 'offline'
    default:
      return 'rejected'
  }
}

export function createLeaveMessage(deps: LeaveMessageDeps) {
  const status = signal<LeaveMessageStatus>({ name: 'editing' })
  const name = signal('')
  const email = signal('')
  const text = signal('')
  const problems = signal<LeaveMessageProblem[]>([])
  let conversationId: string | undefined
  /** Asked once per page: the proxy's settings do not change under a visitor. */
  let enabled: Promise<boolean> | null = null
  let known: boolean | null = null

  const fields = { name, email, text }

  return {
    status,
    name,
    email,
    text,
    problems,
    openingHours: deps.openingHours ?? null,

    /**
     * The form is about to show: fill it in and find out whether the proxy takes messages. The form
     * shows meanwhile (the answer is almost always yes), so focus can land in it at once.
     */
    async prepare(prefill: LeaveMessagePrefill): Promise<void> {
      batch(() => {
        // What the visitor typed here before wins over what the page told us.
        if (!name.value && prefill.name) name.value = prefill.name.slice(0, limits.nameLength)
        if (!email.value && prefill.email) email.value = prefill.email
        text.value = prefill.text ?? ''
        problems.value = []
        conversationId = prefill.conversationId
        status.value = { name: known === false ? 'off' : 'editing' }
      })
      if (known !== null) return
      enabled ??= deps.enabled().catch(() => true)
      known = await enabled
      if (!known && status.value.name === 'editing') status.value = { name: 'off' }
    },

    setField(field: keyof typeof fields, value: string): void {
      batch(() => {
        fields[field].value = value
        if (problems.value.some((problem) => problem.startsWith(field)))
          problems.value = problems.value.filter((problem) => !problem.startsWith(field))
      })
    },

    async submit(): Promise<void> {
      const now = status.value.name
      if (now !== 'editing' && now !== 'failed') return
      const found = checkLeftMessage({ email: email.value, text: text.value })
      problems.value = found
      if (found.length > 0) return
      const address = email.value.trim()
      const visitorName = name.value.trim().slice(0, limits.nameLength)
      status.value = { name: 'sending' }
      try {
        await deps.send({
          ...(await deps.context()),
          email: address,
          text: text.value.trim(),
          ...(visitorName && { name: visitorName }),
          ...(conversationId && { conversationId }),
        })
        status.value = { name: 'sent', email: address }
      } catch (error) {
        const reason = failureReason(error)
        status.value = reason === 'off' ? { name: 'off' } : { name: 'failed', reason }
      }
    },
  }
}
