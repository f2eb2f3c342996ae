/** Plural forms through Intl.PluralRules, so each language picks its own (pt and es: one/other too). */
export type Forms = { one: string; other: string }

const rules = new Map<string, Intl.PluralRules>()

export function plural(lang: string, n: number, forms: Forms): string {
  const rule = rules.get(lang) ?? new Intl.PluralRules(lang)
  rules.set(lang, rule)
  return rule.select(n) === 'one' ? forms.one : forms.other
}
