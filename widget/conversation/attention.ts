/**
 * What calls for attention: agent messages that arrive while the window is closed (the launcher's
 * badge) and agent messages to report to the host page. Events replayed after a reload were already
 * counted and reported before it, so the ids seen and read are kept with the session.
 */
import { signal } from '@preact/signals'
import type { LoggedEvent } from '../../proxy/protocol/wire.ts'
import type { SessionStore } from './ports.ts'
import type { AgentEntry } from './transcript.ts'

export type AgentMessage = Pick<AgentEntry, 'text' | 'at' | 'agentName' | 'media'>

export function createAttention(
  session: SessionStore,
  onAgentMessage?: (message: AgentMessage) => void,
) {
  const unread = signal(0)
  let visible = false
  /** Events up to here were handled before this page load: replaying them notifies nobody. */
  let seenId = 0
  /** Agent messages up to here were read with the window open. */
  let readId = 0

  return {
    unread,
    restore(stored: { seenId: number; readId: number }): void {
      seenId = stored.seenId
      readId = stored.readId
    },
    received(event: LoggedEvent): void {
      if (event.type === 'message' && event.author === 'agent') {
        if (!visible && event.id > readId) unread.value++
        if (event.id > seenId) {
          const { text, at, agentName, media } = event
          onAgentMessage?.({ text, at, ...(agentName && { agentName }), ...(media && { media }) })
          // Only agent messages are reported, so only they need remembering (one write each).
          session.update({ seenId: event.id })
        }
      }
    },
    /** The window opened or closed; `lastEventId` is what the visitor can now see. */
    setVisible(open: boolean, lastEventId: number): void {
      visible = open
      if (!open) return
      unread.value = 0
      readId = lastEventId
      session.update({ readId })
    },
    reset(): void {
      unread.value = 0
      seenId = 0
      readId = 0
    },
  }
}
