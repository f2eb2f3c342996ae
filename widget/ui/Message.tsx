/** One message in the log. Text is only ever text (links included): never HTML from anyone. */
import { livePart } from '../chat/parts.ts'
import type { Attachment } from '../conversation/attachment.ts'
import type { AgentEntry, VisitorEntry } from '../conversation/transcript.ts'
import { t } from '../i18n/text.ts'
import { formatTime, linkify } from './format.ts'
import { PartSlot } from './PartSlot.tsx'

type Props =
  | { entry: AgentEntry; onRetry?: never; onRemove?: never; attachment?: never }
  | {
      entry: VisitorEntry
      onRetry: ((clientId: string) => void) | null
      /** For a refused message, which Retry cannot help. */
      onRemove: (clientId: string) => void
      attachment: Attachment
    }

export function Message({ entry, onRetry, onRemove, attachment }: Props) {
  const time = formatTime(entry.at)
  const visitor = entry.kind === 'visitor'
  const refused = visitor && entry.delivery === 'refused'
  const { media } = entry
  return (
    <div class={`zc-msg zc-msg--${entry.kind}`}>
      {!visitor && entry.agentName && <span class="zc-author">{entry.agentName}</span>}
      <div class="zc-bubble">
        <span class="zc-sr">{visitor ? t.youSaid : entry.agentName ? '' : t.agentSaid}</span>
        <MessageText text={entry.text} />
        {/* With the stream's part: an agent's file comes by the stream, the visitor's is uploaded by it. */}
        {media && (
          <PartSlot part={livePart}>
            {({ MessageMedia, VisitorMedia }) =>
              visitor && attachment ? (
                <VisitorMedia entry={entry} media={media} attachment={attachment} />
              ) : (
                <MessageMedia media={media} by={(!visitor && entry.agentName) || t.theAgent} />
              )
            }
          </PartSlot>
        )}
      </div>
      <span class="zc-meta">
        {time && <time dateTime={entry.at}>{time}</time>}
        {visitor && (
          <span class={entry.delivery === 'failed' || refused ? 'zc-failed' : undefined}>
            {t.delivery[entry.delivery]}
          </span>
        )}
        {visitor && entry.delivery === 'failed' && onRetry && (
          <button type="button" onClick={() => onRetry(entry.clientId)}>
            {t.retry}
          </button>
        )}
        {refused && onRemove && (
          <button type="button" onClick={() => onRemove(entry.clientId)}>
            {t.remove}
          </button>
        )}
      </span>
    </div>
  )
}

/** In its own element, so the message's text can be found exactly, without the "You: " prefix. */
function MessageText({ text }: { text: string }) {
  // Written by a person, in any script: the browser finds its direction (Arabic, Hebrew...).
  return (
    <span dir="auto">
      {linkify(text).map((part, i) =>
        part.href ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </span>
  )
}
