/**
 * The visitor's own file in their bubble: until it is uploaded, its preview with a progress bar and
 * Cancel (UploadProgress.tsx, in the file preview's part); until its message is sent, the preview
 * still (the proxy serves a file only once a message has carried it); then the file as the proxy
 * serves it. The model swaps the preview for the proxy's copy then: a web URL means it is served.
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
  if (fraction === undefined && /^https?:/i.test(media.url))
    return <MessageMedia media={media} by={t.you} />
  return (
    <PartSlot part={attachmentPart}>
      {({ UploadProgress }) => (
        <UploadProgress entry={entry} media={media} attachment={attachment} fraction={fraction} />
      )}
    </PartSlot>
  )
}
