/**
 * Adds CSS to a shadow root. Constructable stylesheets first: a host page's CSP that forbids inline
 * <style> does not apply to them. Older browsers get a <style> element.
 */
export function adoptStyles(root: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(css)
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
  } catch {
    const style = document.createElement('style')
    style.textContent = css
    root.prepend(style)
  }
}
