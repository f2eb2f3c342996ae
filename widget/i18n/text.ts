/**
 * The chat's language, set once by mount before the first render: `t` holds its sentences and
 * `lang` its BCP 47 tag for Intl (times, numbers, plurals). English is bundled; others are loaded.
 */
import { en, type Messages } from './en.ts'
import type { Locale } from './locale.ts'

export let t: Messages = en
export let lang: Locale = 'en'

/** The language's sentences: English at once, the others from their own chunk. */
export async function loadLanguage(locale: Locale): Promise<void> {
  t =
    locale === 'pt-BR'
      ? (await import('./pt-br.ts')).messages
      : locale === 'es'
        ? (await import('./es.ts')).messages
        : en
  lang = locale
}

/** A number as the language writes it: 5.000 in pt-BR, 5,000 in English. */
export const formatNumber = (n: number) => n.toLocaleString(lang)
