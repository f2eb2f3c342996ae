/**
 * The visitor's own file in their bubble: until it is uploaded, its preview with a progress bar and
 * Cancel (UploadProgress.tsx, in the file preview's part); then the file as the proxy serves it.
 */
import { attachmentPart } from '../chat/parts.ts'
import type { Attachment } from '../conversation/attachment.ts'
import type { Media, VisitorEntry } from '../conversation/transcript.ts'
import { t } from '../i18n/text.ts'
import { MessageMedia } from './MessageMedia.tsx'
import { PartSlot } from './PartSlot.tsx'

type Props = { entry: VisitorEntry; media: Media; attachment: Attachment }

export function VisitorMedia({ entry, media, attachment }: Props) {
  const fraction = attachment.progress.value[entry.clientId]
  if (fraction === undefined) return <MessageMedia media={media} by={t.you} />
  return (
    <PartSlot part={attachmentPart}>
      {({ UploadProgress }) => (
        <UploadProgress entry={entry} media={media} attachment={attachment} fraction={fraction} />
      )}
    </PartSlot>
  )
}
