/**
 * Which language the widget speaks: the first of `data-lang`, the page's `<html lang>` and the
 * browser's languages that we have, else English. Loader code: tiny and pure.
 */
export type Locale = 'en' | 'pt-BR' | 'es'

export function chooseLocale(candidates: ReadonlyArray<string | null | undefined>): Locale {
  for (const tag of candidates) {
    // The primary subtag: "pt-BR", "pt_br" and "PT" are Portuguese; "est" (Estonian) is not Spanish.
    const primary = tag?.trim().toLowerCase().split(/[-_]/)[0]
    if (primary === 'pt') return 'pt-BR'
    if (primary === 'es' || primary === 'en') return primary
  }
  return 'en'
}
