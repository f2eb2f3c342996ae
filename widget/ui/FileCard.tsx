/** A file not uploaded yet: an image's thumbnail (from a local object URL), else an icon, name and size. */
import type { Media } from '../conversation/transcript.ts'
import { formatSize } from './format.ts'

export function FileCard({ media }: { media: Media }) {
  if (media.kind === 'image' && media.url) {
    return <img class="zc-thumb" src={media.url} alt={media.name ?? ''} />
  }
  return (
    <span class="zc-file">
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm0 2.5L17.5 8H14z" />
      </svg>
      <span>{media.name}</span>
      {media.size !== undefined && <span>{formatSize(media.size)}</span>}
    </span>
  )
}
