/**
 * After the chat: the ending line, the rating, a way to start over (what focus falls back to: the
 * first button here) and the visitor's record (download, transcript by e-mail, erasure); once the
 * visitor's data is erased, what that did and did not do.
 */
import type { ComponentChildren } from 'preact'
import { useEffect, useMemo } from 'preact/hooks'
import type { ConversationModel } from '../conversation/model.ts'
import { createRecords, type Records } from '../conversation/records.ts'
import { endingText } from '../i18n/ending.ts'
import { lang, t } from '../i18n/text.ts'
import { DataErased } from './DataErased.tsx'
import { RatingForm } from './RatingForm.tsx'
import { forgetSaved } from './save-file.ts'
import { YourRecord } from './YourRecord.tsx'

export function ChatEnded({ model }: { model: ConversationModel }) {
  const words = endingText()
  const records = useMemo(
    () =>
      createRecords({
        config: model.config,
        requestTranscript: model.requestTranscript,
        erase: async () => {
          await model.erase()
          forgetSaved()
        },
        knownEmail: () => model.profile.value.email,
        language: lang,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      }),
    [model],
  )
  useEffect(() => void records.check(), [records])
  return (
    <UnlessErased model={model} records={records}>
      <div class="zc-panel-body">
        <p role="status">
          <strong>{words.ended}</strong>
        </p>
        <RatingForm model={model} />
        <div class="zc-row">
          <button type="button" class="zc-link" onClick={model.startNew}>
            {t.startNew}
          </button>
        </div>
        <YourRecord model={model} records={records} />
      </div>
    </UnlessErased>
  )
}

/**
 * The ended window, or what the erasure did. Its own component, given the window as children: one
 * that reads a signal is skipped when its parent redraws with the same props, and the rating's end
 * would then be drawn a render after the window put focus back (ChatWindow); new children each time
 * keep it drawn with its parent.
 */
function UnlessErased({
  model,
  records,
  children,
}: {
  model: ConversationModel
  records: Records
  children: ComponentChildren
}) {
  return records.erasing.value === 'erased' ? <DataErased model={model} /> : children
}
