/**
 * The visitor's file in their bubble until its message is sent: its preview, with a progress bar and
 * Cancel while it uploads (`fraction`; undefined once uploaded). The bar's range is a progressbar's default, 0 to 100. Progress is announced in quarters
 * (the log is a polite live region), not at every step. Part of the file preview's lazy part
 * (chat/attachment-part.tsx), loaded by the time a file is sent.
 */
import type { Attachment } from '../conversation/attachment.ts'
import type { Media, VisitorEntry } from '../conversation/transcript.ts'
import { attachmentText } from '../i18n/attachment.ts'
import { t } from '../i18n/text.ts'
import { FileCard } from './FileCard.tsx'

type Props = {
  entry: VisitorEntry
  media: Media
  attachment: Attachment
  fraction: number | undefined
}

export function UploadProgress({ entry, media, attachment, fraction }: Props) {
  const words = attachmentText()
  const percent = Math.round((fraction ?? 1) * 100)
  const name = media.name ?? ''
  return (
    <span class="zc-media">
      <FileCard media={media} />
      {entry.delivery === 'sending' && fraction !== undefined && (
        <>
          <span
            class="zc-progress"
            role="progressbar"
            aria-label={words.uploading(name)}
            aria-valuenow={percent}
          >
            <span style={{ width: `${percent}%` }} />
          </span>
          <span class="zc-sr">{`${words.uploading(name)}: ${Math.floor(percent / 25) * 25}%`}</span>
          <button
            type="button"
            aria-label={words.cancelUploading(name)}
            onClick={() => attachment.cancel(entry.clientId)}
          >
            {t.cancel}
          </button>
        </>
      )}
    </span>
  )
}
