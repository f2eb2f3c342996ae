/**
 * The chat's language, set once by mount before the first render: `t` holds its sentences and
 * `lang` its BCP 47 tag for Intl (times, numbers, plurals). Every language is a chunk of its own,
 * English too (issue 19): a page in Portuguese or Spanish no longer downloads the English sentences
 * with the chat. The loader asks for the page's language with the chat (scripts/first-open.ts).
 */
import type { Forms, Messages } from './en.ts'
import type { Locale } from './locale.ts'

/** Set by loadLanguage, which mount awaits before the first render (tests: testing/english.ts). */
export let t: Messages
export let lang: Locale = 'en'

/** The language's sentences, from its own chunk. */
export async function loadLanguage(locale: Locale): Promise<void> {
  t =
    locale === 'pt-BR'
      ? (await import('./pt-br.ts')).messages(pluralOf(locale))
      : locale === 'es'
        ? (await import('./es.ts')).messages(pluralOf(locale))
        : (await import('./en.ts')).en
  lang = locale
}

/**
 * A language's plural rule, through Intl.PluralRules (pt and es: one/other too), handed to its part:
 * imported from a module of its own, it was a chunk of its own that the chat imports statically,
 * which the browser found only once the chat had arrived: a round trip more.
 */
function pluralOf(locale: Locale) {
  const rule = new Intl.PluralRules(locale)
  return (n: number, forms: Forms) => (rule.select(n) === 'one' ? forms.one : forms.other)
}

/** A number as the language writes it: 5.000 in pt-BR, 5,000 in English. */
export const formatNumber = (n: number) => n.toLocaleString(lang)
