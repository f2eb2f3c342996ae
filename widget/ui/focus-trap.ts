/**
 * Keeps Tab inside a modal window: from the last control to the first, and Shift+Tab the other way.
 * The window lives in a shadow root, so the focused element is the root's, not the document's.
 */
const focusable =
  'a[href],button:not([disabled]),input:not([disabled]):not([type=hidden]),textarea:not([disabled]),select,audio[controls],video[controls],[tabindex]:not([tabindex="-1"])'

export function keepTabInside(event: KeyboardEvent, container: HTMLElement): void {
  if (event.key !== 'Tab') return
  const controls = [...container.querySelectorAll<HTMLElement>(focusable)].filter(
    (el) => !el.hidden && el.getClientRects().length > 0,
  )
  const first = controls[0]
  const last = controls[controls.length - 1]
  if (!first || !last) return
  const active = (container.getRootNode() as Document | ShadowRoot).activeElement
  const outside = !controls.includes(active as HTMLElement)
  if (event.shiftKey && (active === first || outside)) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && (active === last || outside)) {
    event.preventDefault()
    first.focus()
  }
}
