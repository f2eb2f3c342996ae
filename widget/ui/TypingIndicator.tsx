import { liveText } from '../i18n/live.ts'

/**
 * Shown while the agent types (zChat's typing/cleared events), inside the window's status line: with
 * the stream's part, which brings those events.
 */
export function TypingIndicator() {
  return <span class="zc-typing">{liveText().agentTyping}</span>
}
