/**
 * After "Delete my data": what was deleted (this site's chat server, this browser), what cannot be
 * deleted here (the chat service's own record) and whom to ask: the site's privacy contact
 * (`data-privacy-url`) when it gives one. Then a new chat, which carries nothing of this one.
 */
import { useLayoutEffect, useRef } from 'preact/hooks'
import type { ConversationModel } from '../conversation/model.ts'
import { endingText } from '../i18n/ending.ts'
import { t } from '../i18n/text.ts'

export function DataErased({ model }: { model: ConversationModel }) {
  const words = endingText()
  const privacyUrl = model.prechat.settings.privacyUrl
  const notice = useRef<HTMLDivElement>(null)
  // The question and its buttons went: the notice takes focus, and is read out.
  useLayoutEffect(() => notice.current?.focus(), [])
  return (
    <div class="zc-panel-body" ref={notice} tabIndex={-1}>
      <p role="status">
        <strong>{words.deleted}</strong>
      </p>
      <p>{words.deletedWhat}</p>
      <p>
        {words.notDeleted}{' '}
        {privacyUrl ? (
          <>
            {words.askPrivacy}{' '}
            <a href={privacyUrl} target="_blank" rel="noopener noreferrer">
              {words.privacyContact}
            </a>
          </>
        ) : (
          words.askSite
        )}
      </p>
      <div class="zc-row">
        <button type="button" class="zc-link" onClick={model.startNew}>
          {t.startNew}
        </button>
      </div>
    </div>
  )
}
