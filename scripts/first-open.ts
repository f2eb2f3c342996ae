/**
 * What the chat's first open fetches, read from the chat build's manifest: the entry and what it
 * imports statically, then, asked for beside it by the loader (widget/loader.ts, `load`), the page's
 * language, and the pre-chat form a new conversation opens on, or the stream's part a conversation
 * going on needs at once, and what reads the page's word on the visitor on a page that gave any,
 * each with what it imports that the entry does not have. vite.config.ts
 * writes the lists into the loader; scripts/check-size.ts budgets them.
 */
import type { Manifest } from 'vite'

export const chatEntry = 'widget/chat/mount.tsx'

/** Parts by source: the locale a language part is for, or the first open it belongs to. */
const parts = {
  prechat: ['widget/chat/prechat-part.tsx'],
  live: ['widget/chat/live-part.ts'],
  identity: ['widget/chat/identity-part.ts'],
  en: ['widget/i18n/en.ts'],
  'pt-BR': ['widget/i18n/pt-br.ts'],
  es: ['widget/i18n/es.ts'],
} as const satisfies Record<string, readonly string[]>

export type FirstOpen = { entry: string; onOpen: string[]; all: string[] } & Record<
  keyof typeof parts,
  string[]
>

/** A chunk's file and every file it imports statically, transitively. */
export function withStaticImports(
  manifest: Manifest,
  key: string,
  seen = new Set<string>(),
): Set<string> {
  const chunk = manifest[key]
  if (!chunk || seen.has(chunk.file)) return seen
  seen.add(chunk.file)
  for (const imported of chunk.imports ?? []) withStaticImports(manifest, imported, seen)
  return seen
}

export function firstOpen(manifest: Manifest): FirstOpen {
  const entry = manifest[chatEntry]
  if (!entry?.isEntry) throw new Error(`the chat build's manifest has no entry for ${chatEntry}`)
  const onOpen = withStaticImports(manifest, chatEntry)
  const filesOf = (sources: readonly string[]) =>
    sources.flatMap((source) => {
      if (!manifest[source]) throw new Error(`the chat build's manifest has no chunk for ${source}`)
      return [...withStaticImports(manifest, source)].filter((file) => !onOpen.has(file))
    })
  return {
    entry: entry.file,
    onOpen: [...onOpen],
    // The entry's own static imports are fetched with it too, or the browser finds them only once
    // the entry has arrived: a round trip more.
    all: [...onOpen].filter((file) => file !== entry.file),
    prechat: filesOf(parts.prechat),
    live: filesOf(parts.live),
    identity: filesOf(parts.identity),
    en: filesOf(parts.en),
    'pt-BR': filesOf(parts['pt-BR']),
    es: filesOf(parts.es),
  }
}
