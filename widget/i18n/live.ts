/**
 * The sentences of what only a conversation going on shows (a file in the log, the agent typing) in
 * every language. They travel with the stream's part that shows them (chat/live-part.ts), not with
 * the chat that opens.
 */
import type { Locale } from './locale.ts'
import { lang } from './text.ts'

const en = {
  /** "Image sent by Ana": a file that has no name of its own. */
  sentBy: (kind: string, by: string) => `${kind} sent by ${by}`,
  openMedia: (kind: string, name: string) => `Open ${kind.toLowerCase()}: ${name}`,
  agentTyping: 'Agent is typing…',
}

export type LiveText = typeof en

const tables: Record<Locale, LiveText> = {
  en,
  'pt-BR': {
    sentBy: (kind, by) => `${kind} enviado por ${by}`,
    openMedia: (kind, name) => `Abrir ${kind.toLowerCase()}: ${name}`,
    agentTyping: 'O atendente está digitando…',
  },
  es: {
    sentBy: (kind, by) => `${kind} enviado por ${by}`,
    openMedia: (kind, name) => `Abrir ${kind.toLowerCase()}: ${name}`,
    agentTyping: 'El agente está escribiendo…',
  },
}

/** The sentences for the chat's language. */
export const liveText = (): LiveText => tables[lang]
