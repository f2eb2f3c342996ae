/**
 * The visitor's record of an ended chat, what the ended window offers besides the rating: its
 * transcript by e-mail, when the site takes such requests (the proxy's config), to an address the
 * visitor gives or confirms; and the erasure of their data (LGPD art. 18), asked first. One per
 * ended chat (ui/ChatEnded.tsx); the calls are the conversation model's.
 */
import { signal } from '@preact/signals'
import { isEmail } from '../../protocol/checks.ts'
import type { TranscriptRequestBody } from '../../protocol/schemas.ts'
import type { WidgetConfig } from '../../protocol/wire.ts'

export type RecordsDeps = {
  config(): Promise<WidgetConfig>
  requestTranscript(body: TranscriptRequestBody): Promise<void>
  erase(): Promise<void>
  /** The address the visitor already gave (the pre-chat form, the site's identify). */
  knownEmail(): string | undefined
  /** The widget's language, for the site to write the e-mail in. */
  language: string
  /** The visitor's zone, for the times in the e-mail; none when the browser does not say. */
  timeZone: string | undefined
}

/** The transcript by e-mail: not asked, the address being written, sending, sent, or why not. */
export type EmailStep = 'closed' | 'editing' | 'invalid' | 'sending' | 'sent' | 'failed'

/** The erasure: not asked, the question open, under way, done, or failed (ask again). */
export type EraseStep = 'idle' | 'confirming' | 'erasing' | 'erased' | 'failed'

export type Records = ReturnType<typeof createRecords>

export function createRecords(deps: RecordsDeps) {
  /** Whether the site takes transcript requests: only then is the e-mail offered. */
  const byEmail = signal(false)
  const email = signal<EmailStep>('closed')
  const address = signal('')
  const erasing = signal<EraseStep>('idle')

  return {
    byEmail,
    email,
    address,
    erasing,

    /** Reads whether the site takes transcript requests; a failure leaves them out, quietly. */
    async check(): Promise<void> {
      try {
        byEmail.value = (await deps.config()).transcriptByEmail === true
      } catch {
        byEmail.value = false
      }
    },

    openEmail(): void {
      if (email.value === 'closed') address.value = deps.knownEmail() ?? ''
      email.value = 'editing'
    },

    setAddress(text: string): void {
      address.value = text
      if (email.value === 'invalid' && isEmail(text.trim())) email.value = 'editing'
    },

    async sendEmail(): Promise<void> {
      if (email.value === 'sending') return
      const to = address.value.trim()
      if (!isEmail(to)) {
        email.value = 'invalid'
        return
      }
      email.value = 'sending'
      try {
        await deps.requestTranscript({
          email: to,
          language: deps.language,
          ...(deps.timeZone && { timeZone: deps.timeZone }),
        })
        address.value = to
        email.value = 'sent'
      } catch {
        email.value = 'failed'
      }
    },

    askErase(): void {
      if (erasing.value !== 'erasing') erasing.value = 'confirming'
    },

    cancelErase(): void {
      if (erasing.value === 'confirming') erasing.value = 'idle'
    },

    async erase(): Promise<void> {
      if (erasing.value === 'erasing' || erasing.value === 'erased') return
      erasing.value = 'erasing'
      try {
        await deps.erase()
        erasing.value = 'erased'
      } catch {
        erasing.value = 'failed'
      }
    },
  }
}
