/**
 * The demo shop is Brazilian and speaks Portuguese (index.html and its strict-CSP twin), as most
 * sites that embed the widget do. `?page-lang=en` or `?page-lang=es` renders it in English or
 * Spanish, and the widget follows the page's `<html lang>` (widget/i18n/locale.ts). The pages' own
 * words are translated whole, from the Portuguese as written there: site.test.ts checks that each
 * one is still there to translate.
 */
export type ShopLanguage = 'pt-BR' | 'en' | 'es'

/** Each Portuguese text of the pages (an element's whole text, or an attribute's), in English and Spanish. */
export const shopTexts: ReadonlyArray<readonly [pt: string, en: string, es: string]> = [
  ['Principal', 'Main', 'Principal'],
  ['Barracas', 'Tents', 'Carpas'],
  ['Mochilas', 'Backpacks', 'Mochilas'],
  ['Botas', 'Boots', 'Botas'],
  ['Idioma', 'Language', 'Idioma'],
  ['Equipamento para toda trilha', 'Gear for every trail', 'Equipo para cada sendero'],
  [
    'Barracas, mochilas e botas testadas na Serra do Mar e na Chapada Diamantina. Na dúvida sobre o que levar? Nossa equipe está on-line para ajudar você a escolher.',
    'Tents, packs and boots tested in the Serra do Mar and the Chapada Diamantina. Not sure what to take? Our team is online to help you choose.',
    'Carpas, mochilas y botas probadas en la Serra do Mar y la Chapada Diamantina. ¿No sabes qué llevar? Nuestro equipo está en línea para ayudarte a elegir.',
  ],
  ['Fale com a gente', 'Talk to us', 'Habla con nosotros'],
  ['Produtos', 'Products', 'Productos'],
  ['Barraca Serra 2', 'Serra 2 Tent', 'Carpa Serra 2'],
  [
    'Para duas pessoas, três estações, 1,9 kg. Montada em quatro minutos.',
    'Two-person, three-season, 1.9 kg. Pitches in four minutes.',
    'Para dos personas, tres estaciones, 1,9 kg. Se arma en cuatro minutos.',
  ],
  ['Mochila Cume 45', 'Cume 45 Backpack', 'Mochila Cume 45'],
  [
    '45 litros, costas ajustáveis, capa de chuva inclusa.',
    '45 litres, adjustable back, rain cover included.',
    '45 litros, espalda ajustable, funda para lluvia incluida.',
  ],
  ['Bota Trilha Mid', 'Trilha Mid Boots', 'Botas Trilha Mid'],
  [
    'Couro impermeável, solado Vibram, confortável desde o primeiro dia.',
    'Waterproof leather, Vibram sole, comfortable from day one.',
    'Cuero impermeable, suela Vibram, cómodas desde el primer día.',
  ],
  // Prices stay in reais, written the language's way (Intl.NumberFormat's, with the R$ symbol).
  ['R$&nbsp;1.449,90', 'R$1,449.90', 'R$&nbsp;1.449,90'],
  ['R$&nbsp;799,90', 'R$799.90', 'R$&nbsp;799,90'],
  ['R$&nbsp;999,90', 'R$999.90', 'R$&nbsp;999,90'],
  [
    '© Casa da Trilha · Rua das Araucárias, 120, Curitiba – PR · Frete grátis acima de R$&nbsp;299',
    '© Casa da Trilha · Rua das Araucárias, 120, Curitiba – PR, Brazil · Free shipping over R$299',
    '© Casa da Trilha · Rua das Araucárias, 120, Curitiba – PR, Brasil · Envío gratis desde R$&nbsp;299',
  ],
  // The strict-CSP page.
  ['Casa da Trilha (CSP estrita)', 'Casa da Trilha (strict CSP)', 'Casa da Trilha (CSP estricta)'],
  [
    'Equipamento para toda trilha, sob uma CSP estrita',
    'Gear for every trail, under a strict CSP',
    'Equipo para cada sendero, bajo una CSP estricta',
  ],
  [
    'Esta página não roda script nem estilo inline: o chat funciona mesmo assim.',
    'This page runs no inline script or style: the chat still works.',
    'Esta página no ejecuta scripts ni estilos inline: el chat funciona igual.',
  ],
]

/** The shop's language for a `page-lang` tag: English or Spanish by its primary subtag, else Portuguese. */
export function shopLanguage(tag: string | null): ShopLanguage {
  const primary = tag?.toLowerCase().split('-')[0]
  return primary === 'en' || primary === 'es' ? primary : 'pt-BR'
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The page with its Portuguese texts in `language`; line breaks inside a text do not matter. */
export function translateShop(html: string, language: ShopLanguage): string {
  if (language === 'pt-BR') return html
  const column = language === 'en' ? 1 : 2
  let page = html
  for (const texts of shopTexts) {
    const text = escapeRegExp(texts[0]).replace(/ /g, '\\s+')
    // A whole element's text (`>text<`) or a whole attribute's value (`="text"`).
    const whole = new RegExp(`(>\\s*|=")${text}(\\s*<|")`, 'g')
    page = page.replace(whole, (_, before: string, after: string) => before + texts[column] + after)
  }
  return page
}

/**
 * The language links (`<a href="?page-lang=en" ...>`) keep the rest of the page's query (the
 * snippet options being tried), and the current language's is marked `aria-current`.
 */
export function linkLanguages(
  html: string,
  language: ShopLanguage,
  query: URLSearchParams,
): string {
  return html.replace(
    /<a href="\?page-lang=([\w-]+)"([^>]*?)(?: aria-current="true")?>/g,
    (_, tag: string, rest: string) => {
      const linked = new URLSearchParams(query)
      linked.set('page-lang', tag)
      const href = `?${linked.toString().replace(/&/g, '&amp;')}`
      const current = shopLanguage(tag) === language ? ' aria-current="true"' : ''
      return `<a href="${href}"${rest}${current}>`
    },
  )
}
