/**
 * The chat's language, set once by mount before the first render: `t` holds its sentences and
 * `lang` its BCP 47 tag for Intl (times, numbers, plurals). English is bundled; others are loaded.
 */
import { en, type Forms, type Messages } from './en.ts'
import type { Locale } from './locale.ts'

export let t: Messages = en
export let lang: Locale = 'en'

/** The language's sentences: English at once, the others from their own chunk. */
export async function loadLanguage(locale: Locale): Promise<void> {
  t =
    locale === 'pt-BR'
      ? (await import('./pt-br.ts')).messages(pluralOf(locale))
      : locale === 'es'
        ? (await import('./es.ts')).messages(pluralOf(locale))
        : en
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
