/**
 * The conversation log (role="log": screen readers announce what is added). Keeps the newest message
 * in view unless the visitor has scrolled up to read. It takes focus, so a keyboard can scroll it
 * when none of its messages has a link or button to Tab to (WCAG 2.1.1).
 */
import { useLayoutEffect, useRef } from 'preact/hooks'
import type { ConversationModel } from '../conversation/model.ts'
import { t } from '../i18n/text.ts'
import { Message } from './Message.tsx'

export function MessageList({
  model,
  greeting,
}: {
  model: ConversationModel
  greeting: string | undefined
}) {
  const log = useRef<HTMLDivElement>(null)
  const stick = useRef(true)
  const entries = model.transcript.value
  const retry = model.composable.value ? model.retry : null
  // The conversation could not start: its first message waits for "Try again", not "Sending…" for ever.
  const stalled = model.phase.value.name === 'failed'

  useLayoutEffect(() => {
    const el = log.current
    if (el && stick.current) el.scrollTop = el.scrollHeight
  })

  const onScroll = () => {
    const el = log.current
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40
  }

  return (
    <div
      ref={log}
      class="zc-log"
      role="log"
      aria-live="polite"
      aria-label={t.messages}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard (axe: scrollable-region-focusable)
      tabIndex={0}
      onScroll={onScroll}
    >
      {greeting && (
        <div class="zc-msg zc-msg--agent">
          <div class="zc-bubble" dir="auto">
            {greeting}
          </div>
        </div>
      )}
      {entries.map((entry, i) =>
        entry.kind === 'gap' ? (
          <p key={`g${i}`} class="zc-event">
            {t.earlierLost}
          </p>
        ) : entry.kind === 'joined' ? (
          <p key={`j${i}`} class="zc-event">
            {entry.agentName ? t.joined(entry.agentName) : t.agentJoined}
          </p>
        ) : entry.kind === 'agent' ? (
          <Message key={`a${entry.messageId}`} entry={entry} />
        ) : (
          <Message
            key={`v${entry.clientId}`}
            entry={
              stalled && entry.delivery === 'sending' ? { ...entry, delivery: 'failed' } : entry
            }
            onRetry={retry}
            onRemove={model.remove}
            attachment={model.attachment}
          />
        ),
      )}
    </div>
  )
}
