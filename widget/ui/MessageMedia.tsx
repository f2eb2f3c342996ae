/**
 * A message's file: images inline (lazy), audio and video in a player, and a link to open any of
 * them, with its name and size when known. Only http(s) URLs are used; any other URL is shown as
 * text so a `javascript:` link can never be clicked.
 */
import type { Media } from '../conversation/transcript.ts'
import { liveText } from '../i18n/live.ts'
import { t } from '../i18n/text.ts'
import { deriveFileName } from './file-name.ts'
import { formatSize, safeUrl } from './format.ts'

/** `by`: who sent it, as in "Image sent by Ana" ("you" for the visitor's own). */
export function MessageMedia({ media, by }: { media: Media; by: string }) {
  const href = safeUrl(media.url)
  if (!href) return <span class="zc-media">{media.url}</span>
  const words = liveText()
  const name = media.name ?? words.sentBy(t.kinds[media.kind], by)
  const link = { href, target: '_blank', rel: 'noopener noreferrer' }
  if (media.kind === 'image') {
    return (
      <span class="zc-media">
        <a {...link}>
          <img src={href} alt={name} loading="lazy" decoding="async" referrerpolicy="no-referrer" />
        </a>
      </span>
    )
  }
  return (
    <span class="zc-media">
      {/* biome-ignore lint/a11y/useMediaCaption: people's own recordings come with no caption track */}
      {media.kind === 'audio' && <audio controls preload="metadata" src={href} aria-label={name} />}
      {/* biome-ignore lint/a11y/useMediaCaption: people's own recordings come with no caption track */}
      {media.kind === 'video' && <video controls preload="metadata" src={href} aria-label={name} />}
      <a {...link}>
        {words.openMedia(t.kinds[media.kind], media.name ?? deriveFileName(href))}
        {media.size !== undefined && ` (${formatSize(media.size)})`}
      </a>
    </span>
  )
}
