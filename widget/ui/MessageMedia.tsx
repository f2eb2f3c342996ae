/**
 * An agent's attachment: images inline (lazy), anything else as a link. Only http(s) URLs are used;
 * any other URL is shown as text so a `javascript:` link can never be clicked.
 */
import type { Media } from '../conversation/transcript.ts'
import { deriveFileName, safeUrl } from './format.ts'

const labels = { image: 'Image', video: 'Video', audio: 'Audio', file: 'File' } as const

export function MessageMedia({
  media,
  agentName,
}: {
  media: Media
  agentName: string | undefined
}) {
  const href = safeUrl(media.url)
  if (!href) return <span class="zc-media">{media.url}</span>
  const alt = `${labels[media.kind]} sent by ${agentName ?? 'the agent'}`
  return (
    <span class="zc-media">
      <a href={href} target="_blank" rel="noopener noreferrer">
        {media.kind === 'image' ? (
          <img src={href} alt={alt} loading="lazy" decoding="async" referrerpolicy="no-referrer" />
        ) : (
          `Open ${labels[media.kind].toLowerCase()}: ${deriveFileName(href)}`
        )}
      </a>
    </span>
  )
}
