/**
 * Under the rating of an ended chat: Download the conversation, Email me the transcript (when the site
 * takes such requests) and Delete my data, asked first. What follows each is said in place: the
 * address the transcript goes to, or why it could not be sent; why the data could not be deleted.
 */
import { useLayoutEffect, useRef } from 'preact/hooks'
import { limits } from '../../protocol/wire.ts'
import type { ConversationModel } from '../conversation/model.ts'
import type { Records } from '../conversation/records.ts'
import { endingText } from '../i18n/ending.ts'
import { t } from '../i18n/text.ts'
import { downloadTranscript } from './save-file.ts'

export function YourRecord({ model, records }: { model: ConversationModel; records: Records }) {
  const words = endingText()
  const erasing = records.erasing.value
  const deleteButton = useRef<HTMLButtonElement>(null)
  return (
    <>
      <div class="zc-row">
        <button type="button" class="zc-link" onClick={() => downloadTranscript(model)}>
          {words.download}
        </button>
        {records.byEmail.value && records.email.value === 'closed' && (
          <button type="button" class="zc-link" onClick={records.openEmail}>
            {words.emailTranscript}
          </button>
        )}
        <button type="button" class="zc-link" ref={deleteButton} onClick={records.askErase}>
          {words.deleteData}
        </button>
      </div>
      {records.email.value !== 'closed' && <TranscriptByEmail records={records} />}
      {(erasing === 'confirming' || erasing === 'erasing') && (
        <EraseQuestion
          records={records}
          onCancel={() => {
            records.cancelErase()
            deleteButton.current?.focus()
          }}
        />
      )}
      {erasing === 'failed' && (
        <p class="zc-failed" role="alert">
          {words.deleteFailed}
        </p>
      )}
    </>
  )
}

function TranscriptByEmail({ records }: { records: Records }) {
  const words = endingText()
  const step = records.email.value
  const focused = useRef<HTMLInputElement & HTMLParagraphElement>(null)
  // Into the field when it opens; onto the sentence when it was sent (the form, and its button, went).
  useLayoutEffect(() => focused.current?.focus(), [step === 'sent'])
  if (step === 'sent')
    return (
      <p role="status" tabIndex={-1} ref={focused}>
        {words.emailSent(records.address.value)}
      </p>
    )
  return (
    <form
      class="zc-form"
      aria-label={words.emailTranscript}
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void records.sendEmail()
      }}
    >
      <label for="zc-transcript-email">{t.fields.email}</label>
      <input
        id="zc-transcript-email"
        ref={focused}
        type="email"
        autocomplete="email"
        maxLength={limits.emailLength}
        value={records.address.value}
        aria-invalid={step === 'invalid'}
        aria-describedby={step === 'invalid' ? 'zc-transcript-email-error' : undefined}
        onInput={(e) => records.setAddress(e.currentTarget.value)}
      />
      {step === 'invalid' && (
        <p id="zc-transcript-email-error" class="zc-failed">
          {words.emailInvalid}
        </p>
      )}
      {step === 'failed' && (
        <p class="zc-failed" role="alert">
          {words.emailFailed}
        </p>
      )}
      <div class="zc-row">
        <button type="submit" class="zc-primary" aria-disabled={step === 'sending'}>
          {t.send}
        </button>
      </div>
    </form>
  )
}

/** Asked first: an erasure cannot be undone. Focus starts on Cancel, as for ending the chat. */
function EraseQuestion({ records, onCancel }: { records: Records; onCancel: () => void }) {
  const words = endingText()
  const busy = records.erasing.value === 'erasing'
  const cancel = useRef<HTMLButtonElement>(null)
  useLayoutEffect(() => cancel.current?.focus(), [])
  return (
    <fieldset class="zc-bar" aria-busy={busy}>
      <legend>{words.deleteQuestion}</legend>
      <button
        type="button"
        class="zc-primary"
        aria-disabled={busy}
        onClick={() => void records.erase()}
      >
        {words.confirmDelete}
      </button>
      <button type="button" ref={cancel} class="zc-secondary" onClick={onCancel}>
        {t.cancel}
      </button>
    </fieldset>
  )
}
