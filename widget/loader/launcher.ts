/**
 * The round button in the corner, in plain DOM (no Preact on every page). Its accessible name is
 * "Open chat" or "Close chat"; the unread count is its description so the name stays stable.
 */
const chatIcon =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/></svg>'
const closeIcon =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z"/></svg>'

export type Launcher = {
  button: HTMLButtonElement
  setOpen(open: boolean): void
  setUnread(count: number): void
  setBusy(busy: boolean): void
}

export function createLauncher(panelId: string): Launcher {
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'zc-launcher'
  button.setAttribute('aria-controls', panelId)
  const icon = document.createElement('span')
  const badge = document.createElement('span')
  badge.className = 'zc-badge'
  badge.setAttribute('aria-hidden', 'true')
  const description = document.createElement('span')
  description.className = 'zc-sr'
  description.id = `${panelId}-unread`
  button.append(icon, badge, description)

  const launcher: Launcher = {
    button,
    setOpen(open) {
      button.setAttribute('aria-label', open ? 'Close chat' : 'Open chat')
      button.setAttribute('aria-expanded', String(open))
      icon.innerHTML = open ? closeIcon : chatIcon
    },
    setUnread(count) {
      badge.hidden = count === 0
      badge.textContent = count > 9 ? '9+' : String(count)
      description.textContent =
        count === 0 ? '' : `${count} unread message${count === 1 ? '' : 's'}`
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
