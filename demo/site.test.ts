import { describe, expect, it } from 'vitest'
import { strictCsp, withOptions, withPage } from './site.ts'

const html =
  '<p>Shop</p><script src="http://localhost:8787/widget.js" data-department="1" async></script>'

describe('the demo page with snippet options from its query', () => {
  it('adds them to the snippet as data-* attributes, escaped, before the defaults', () => {
    const query = new URLSearchParams({ color: '#7dd3fc', extra: '{"a":"<b>"}', reset_token: 'x' })
    expect(withOptions(html, query)).toBe(
      '<p>Shop</p><script src="http://localhost:8787/widget.js" data-color="#7dd3fc" data-extra="{&quot;a&quot;:&quot;&lt;b>&quot;}" data-department="1" async></script>',
    )
  })

  it('leaves the page as it is without options', () => {
    expect(withOptions(html, new URLSearchParams())).toBe(html)
    expect(withOptions(html, new URLSearchParams({ 'on"load': 'x' }))).toBe(html)
  })
})

describe('the demo page changed by its query', () => {
  const page = `<html lang="en"><body>${html}</body></html>`
  it('speaks the language page-lang names, which is no snippet option', () => {
    const query = new URLSearchParams({ 'page-lang': 'pt-BR' })
    expect(withOptions(withPage(page, query), query)).toBe(page.replace('"en"', '"pt-BR"'))
  })
  it("defines another script's window.zchat before the snippet's, with foreign-global=1", () => {
    const snippet = '<html lang="en"><script>window.zchat=window.zchat||stub</script></html>'
    const query = new URLSearchParams({ 'foreign-global': '1' })
    expect(withOptions(withPage(snippet, query), query)).toBe(
      `<html lang="en"><script>window.zchat=function(){return 'theirs'}</script><script>window.zchat=window.zchat||stub</script></html>`,
    )
  })

  it('takes only a language tag', () => {
    expect(withPage(page, new URLSearchParams({ 'page-lang': 'x" onload="y' }))).toBe(page)
  })
})

describe('the demo page configured from script', () => {
  it('drops the data-* attributes and calls init after the stub, with the options escaped', () => {
    const page = `<script>stub</script><script src="http://p.test/widget.js" data-department="1" async></script>`
    const query = new URLSearchParams({ init: '{"lang":"pt-BR","title":"</script>"}' })
    expect(withOptions(withPage(page, query), query)).toBe(
      `<script>stub</script><script>zchat('init', {"lang":"pt-BR","title":"\\u003c/script>"})</script>\n    <script src="http://p.test/widget.js" async></script>`,
    )
  })

  it('leaves the page as it is when init is no JSON', () => {
    expect(withPage(html, new URLSearchParams({ init: '{' }))).toBe(html)
  })
})

describe('the strict-CSP page', () => {
  it('allows no inline script or style, and names the proxy where it must', () => {
    const policy = strictCsp('http://localhost:8787')
    expect(policy).toContain("script-src 'self' http://localhost:8787;")
    expect(policy).toContain("style-src 'self';")
    expect(policy).not.toMatch(/unsafe|nonce|\*/)
  })
})
