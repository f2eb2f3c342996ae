/**
 * The round button in the corner, in plain DOM (no Preact on every page). Its accessible name is
 * "Open chat" or "Close chat". The unread count on it is drawn by the chat, which counts it
 * (chat/launcher-badge.ts): a page whose visitor never opens the chat does not pay for it.
 */
import type { Locale } from '../i18n/locale.ts'

const chatIcon =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>'
const closeIcon =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2"/></svg>'

/** The launcher's two words per language (the chat's own load with the chat): open, close. */
const words: Record<Locale, [string, string]> = {
  en: ['Open chat', 'Close chat'],
  'pt-BR': ['Abrir chat', 'Fechar chat'],
  es: ['Abrir chat', 'Cerrar chat'],
}

export type Launcher = {
  button: HTMLButtonElement
  setOpen(open: boolean): void
  setBusy(busy: boolean): void
}

export function createLauncher(panelId: string, lang: Locale): Launcher {
  const [openName, closeName] = words[lang]
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'zc-launcher'
  button.setAttribute('aria-controls', panelId)
  const icon = document.createElement('span')
  button.append(icon)

  const launcher: Launcher = {
    button,
    setOpen(open) {
      button.setAttribute('aria-label', open ? closeName : openName)
      button.setAttribute('aria-expanded', String(open))
      icon.innerHTML = open ? closeIcon : chatIcon
    },
    setBusy(busy) {
      button.setAttribute('aria-busy', String(busy))
    },
  }
  launcher.setOpen(false)
  return launcher
}
