/** Shown while the agent types (zChat's typing/cleared events), inside the window's status line. */
export function TypingIndicator() {
  return <span class="zc-typing">Agent is typing…</span>
}
