import { t } from '../i18n/text.ts'

/** Shown while the agent types (zChat's typing/cleared events), inside the window's status line. */
export function TypingIndicator() {
  return <span class="zc-typing">{t.agentTyping}</span>
}
