/**
 * The round button in the corner, in plain DOM (no Preact on every page). Its accessible name is
 * "Open chat" or "Close chat"; the unread count is its description so the name stays stable.
 */
import type { Locale } from '../i18n/locale.ts'

const chatIcon =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>'
const closeIcon =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2"/></svg>'

/**
 * The launcher's few words per language (the chat's own load with the chat): open, close, unread,
 * and the greeting's close button.
 * "Unread messages: 3" needs no plural rules, which keeps them out of every page view.
 */
const words: Record<Locale, [string, string, string, string]> = {
  en: ['Open chat', 'Close chat', 'Unread messages', 'Close greeting'],
  'pt-BR': ['Abrir chat', 'Fechar chat', 'Mensagens não lidas', 'Fechar saudação'],
  es: ['Abrir chat', 'Cerrar chat', 'Mensajes sin leer', 'Cerrar saludo'],
}

export type Launcher = {
  button: HTMLButtonElement
  setOpen(open: boolean): void
  setUnread(count: number): void
  setBusy(busy: boolean): void
}

export function createLauncher(panelId: string, lang: Locale): Launcher {
  const [openName, closeName, unread] = words[lang]
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'zc-launcher'
  button.setAttribute('aria-controls', panelId)
  const icon = document.createElement('span')
  const badge = document.createElement('span')
  badge.className = 'zc-badge'
  badge.setAttribute('aria-hidden', 'true')
  // Hidden, yet read as the button's description: aria-describedby reads hidden nodes too.
  const description = document.createElement('span')
  description.hidden = true
  description.id = `${panelId}-unread`
  button.append(icon, badge, description)

  const launcher: Launcher = {
    button,
    setOpen(open) {
      button.setAttribute('aria-label', open ? closeName : openName)
      button.setAttribute('aria-expanded', String(open))
      icon.innerHTML = open ? closeIcon : chatIcon
    },
    setUnread(count) {
      badge.hidden = count === 0
      badge.textContent = count > 9 ? '9+' : String(count)
      description.textContent = count === 0 ? '' : `${unread}: ${count}`
      if (count === 0) button.removeAttribute('aria-describedby')
      else button.setAttribute('aria-describedby', description.id)
    },
    setBusy(busy) {
      button.setAttribute('aria-busy', String(busy))
    },
  }
  launcher.setOpen(false)
  launcher.setUnread(0)
  return launcher
}

/**
 * The site's greeting beside the launcher (data-greeting-delay, `zchat('greet')`): a polite live
 * region, in the page from the start so that its text is announced; the text is a button that
 * opens the chat, beside a close button.
 */
export function createGreeting(lang: Locale) {
  const box = document.createElement('div')
  box.className = 'zc-greet'
  box.setAttribute('role', 'status')
  const text = document.createElement('button')
  const close = document.createElement('button')
  text.type = close.type = 'button'
  // The site's own words, in any script: as the chat shows them.
  text.dir = 'auto'
  close.className = 'zc-greet-x'
  close.setAttribute('aria-label', words[lang][3])
  close.innerHTML = closeIcon
  return {
    box,
    text,
    close,
    show(greeting: string) {
      text.textContent = greeting
      box.append(text, close)
    },
    hide: () => box.replaceChildren(),
  }
}
