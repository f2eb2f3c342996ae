/**
 * The unread count on the loader's launcher: a badge, and the button's description ("Unread
 * messages: 3"), so its name stays stable. The chat counts them and draws them: the loader, on every
 * page view, carries none of it.
 */
import { t } from '../i18n/text.ts'

export function launcherBadge(button: HTMLElement) {
  const badge = document.createElement('span')
  badge.className = 'zc-badge'
  badge.setAttribute('aria-hidden', 'true')
  // Hidden, yet read as the button's description: aria-describedby reads hidden nodes too.
  const description = document.createElement('span')
  description.hidden = true
  description.id = 'zc-unread'
  button.append(badge, description)
  return {
    show(count: number): void {
      badge.hidden = count === 0
      badge.textContent = count > 9 ? '9+' : String(count)
      description.textContent = count === 0 ? '' : `${t.unread}: ${count}`
      if (count === 0) button.removeAttribute('aria-describedby')
      else button.setAttribute('aria-describedby', description.id)
    },
    remove(): void {
      badge.remove()
      description.remove()
      button.removeAttribute('aria-describedby')
    },
  }
}
