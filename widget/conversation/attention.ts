/**
 * What calls for attention: agent messages that arrive while the window is closed (the launcher's
 * badge) and agent messages to report to the host page. Events replayed after a reload were already
 * counted and reported before it, so the ids seen and read are kept with the session. The session is
 * the browser's, so the count is too: what is read in one tab is read in all (`readElsewhere`).
 */
import { computed, signal } from '@preact/signals'
import type { LoggedEvent } from '../../protocol/wire.ts'
import type { SessionStore } from './ports.ts'
import type { AgentEntry } from './transcript.ts'

export type AgentMessage = Pick<AgentEntry, 'text' | 'at' | 'agentName' | 'media'>

export function createAttention(
  session: SessionStore,
  onAgentMessage?: (message: AgentMessage) => void,
) {
  let visible = false
  /** Events up to here were handled before this page load: replaying them notifies nobody. */
  let seenId = 0
  /** Agent messages up to here were read with the window open. */
  let readId = 0
  /** Ids of the agent messages counted as unread; the badge is their number. */
  const unreadIds = signal<number[]>([])
  const read = (id: number) => {
    readId = Math.max(readId, id)
    unreadIds.value = unreadIds.value.filter((unreadId) => unreadId > readId)
  }

  return {
    unread: computed(() => unreadIds.value.length),
    restore(stored: { seenId: number; readId: number }): void {
      seenId = stored.seenId
      readId = stored.readId
    },
    received(event: LoggedEvent): void {
      if (event.type === 'message' && event.author === 'agent') {
        if (visible) {
          // With the window open here, read in every tab (the write tells them).
          if (event.id > readId) {
            read(event.id)
            session.update({ readId })
          }
        } else if (event.id > readId) unreadIds.value = [...unreadIds.value, event.id]
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
      read(lastEventId)
      session.update({ readId })
    },
    /** Another tab of the browser showed the conversation up to `id`. */
    readElsewhere: read,
    reset(): void {
      unreadIds.value = []
      seenId = 0
      readId = 0
    },
  }
}
