import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { shopTexts } from './page-language.ts'
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

describe('the demo shop in its languages', () => {
  const shop = readFileSync(new URL('../index.html', import.meta.url), 'utf8')
  const strict = readFileSync(new URL('./strict-csp/index.html', import.meta.url), 'utf8')
  const render = (page: string, query: Record<string, string>) =>
    withPage(page, new URLSearchParams(query))
  const words = (page: string) => page.replace(/\s+/g, ' ')

  it('is a Brazilian shop in Portuguese by default, prices in reais written the Brazilian way', () => {
    const page = render(shop, {})
    expect(page).toContain('<html lang="pt-BR">')
    expect(page).toContain('<title>Casa da Trilha</title>')
    expect(page).toContain('R$&nbsp;1.449,90')
    expect(page).toContain('Fale com a gente')
    expect(page).toMatch(/<a href="\?page-lang=pt-BR"[^>]*aria-current="true">Português<\/a>/)
    expect(page).not.toMatch(/<a href="\?page-lang=en"[^>]*aria-current/)
  })

  it('has every Portuguese text it translates, and none is left once translated', () => {
    for (const [pt] of shopTexts) expect(words(shop) + words(strict)).toContain(pt)
    for (const lang of ['en', 'es']) {
      const pages = words(
        render(shop, { 'page-lang': lang }) + render(strict, { 'page-lang': lang }),
      )
      for (const texts of shopTexts) {
        const pt = texts[0]
        const translated = texts[lang === 'en' ? 1 : 2]
        if (translated !== pt)
          expect(pages.includes(`>${pt}<`) || pages.includes(`"${pt}"`)).toBe(false)
        expect(pages).toContain(translated)
      }
    }
  })

  it('speaks English with page-lang=en, the widget with it; the language links keep the other options', () => {
    const page = render(shop, { 'page-lang': 'en', color: '#7dd3fc' })
    expect(page).toContain('<html lang="en">')
    expect(page).toContain(
      '<button type="button" class="talk" onclick="zchat(\'open\')">Talk to us</button>',
    )
    expect(page).toContain('<span class="price">R$1,449.90</span>')
    expect(page).toContain('<nav aria-label="Main">')
    expect(page).toMatch(
      /<a href="\?page-lang=en&amp;color=%237dd3fc"[^>]*aria-current="true">English<\/a>/,
    )
    expect(page).toMatch(
      /<a href="\?page-lang=pt-BR&amp;color=%237dd3fc" [^>]*lang="pt-BR">Português<\/a>/,
    )
    expect(page.match(/aria-current="true"/g)).toHaveLength(1)
  })

  it('speaks Spanish for any Spanish tag, and only marks other tags in <html lang>', () => {
    const spanish = render(shop, { 'page-lang': 'es-AR' })
    expect(spanish).toContain('<html lang="es-AR">')
    expect(spanish).toContain('Habla con nosotros')
    expect(spanish).toMatch(/aria-current="true">Español<\/a>/)
    const unnamed = render(shop, { 'page-lang': 'und' })
    expect(unnamed).toContain('<html lang="und">')
    expect(unnamed).toContain('Fale com a gente')
  })

  it('translates the strict-CSP page too', () => {
    const page = render(strict, { 'page-lang': 'en' })
    expect(page).toContain('<title>Casa da Trilha (strict CSP)</title>')
    expect(page).toContain('>Talk to us<')
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
