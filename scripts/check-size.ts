/**
 * Size budgets of the drop-in widget, checked after `npm run build`. Every site that embeds the
 * widget pays for widget.js on every page view, so it is held to a few kilobytes. The chat is paid
 * only by visitors who open it: what loads on open has a budget, and so does each part loaded
 * later, only when needed (leave-a-message, opening hours).
 *
 * Budgets raised, with the reason (docs/decisions/009-size-budgets.md; every move is logged in
 * docs/benchmarks.md, "Widget sizes over time"): the chat on open went from
 * 25 to 27 KB for visitor media (attach, preview, upload progress) and the site's pre-chat fields
 * (CPF and phone checks, consent, signed identity). Each language but English is a lazy part of its
 * own, loaded before the chat renders; all chat code counts the largest one only, and went from 32
 * to 34 KB for the languages (Portuguese and Spanish leave-a-message sentences in their part), the
 * phone modal, forced-colours styles and data-extra's parsing (moved out of the loader). Then from
 * 34 to 43 KB for ky (about 5.5 KB, a part of its own) and for splitting the pre-chat form, the end
 * of a chat and the file preview out of the chat on open (about 2.3 KB: gzip cannot share what the
 * chunks have in common), which made room on open for the features to come; then to 45 KB for many
 * tabs of one conversation (the shared stream, the page alert and the XHR stream reader, about 2 KB).
 * The chat on open went from 27 to 27.25 KB for a fix: the conversation a tab starts is handed to
 * the other tabs in a Web Lock's name, since localStorage reaches them late (about 170 bytes). All
 * chat code went from 45 to 45.5 KB for that fix and for zChat's refusals told apart from the end of
 * a chat (a refused message, a refused rating, unavailable at any time: about 0.25 KB). All chat
 * code went from 45.5 to 48.75 KB for the site's choice of department and channel (a part of its
 * own, about 2.8 KB, fetched only on sites that offer one) and the departments' hours; the chat on
 * open from 27.25 to 27.5 KB for what the model must know before any part is there: the start's
 * department and channel, a conversation answered on the visitor's phone (no message box, after a
 * reload too), one slot in the window (about 0.2 KB). The chat on open went from 27.5 to 28 KB and
 * all chat code from 48.75 to 49 KB for the dark theme (data-theme): the window's colours as custom
 * properties and the dark palette, for data-theme="dark" and under prefers-color-scheme (about 0.35 KB).
 * Then the visitor's record (the conversation downloaded, e-mailed or erased: on open the calls,
 * the model's actions and the header's Download, about 0.15 KB; the rest in the end of a chat's
 * part, in three languages, fetched in the background once the visitor is queued, with a budget of
 * its own of 5 KB) moved the chat on open from 28 to 28.25 KB and all chat code from 49 to 52 KB.
 * The loader went from 4 to 4.75 KB for the site's greeting beside the launcher (data-greeting-delay,
 * zchat('greet')), which must show without the chat: its live region, text and close button, their
 * CSS with a dark palette for data-theme, the badge and title flag, the once-per-session key and the
 * command's checks (about 0.77 KB). Room was made first: data-title, data-department and
 * data-page-url are read by the chat, the only one that uses them (68 bytes); it was not enough.
 * Their checks cost the chat about 0.17 KB, so all chat code went from 52 to 52.25 KB. Shared
 * computers (issue 20): `zchat('reset')` in every tab, the conversation's signed customer checked
 * against the page's, and the page's function that signs a fresh identity for each conversation
 * (about 0.52 KB on open; the loader's forgetting of the stored conversation was paid by room made
 * in it) moved the chat on open from 28.25 to 28.75 KB, a new conversation's first open from 35 to
 * 35.5 KB and all chat code from 52.25 to 52.75 KB, the smallest quarters that hold them (29,370,
 * 36,296 and 53,794 bytes once merged with the dark theme, the visitor's record and the greeting).
 */
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import type { Manifest } from 'vite'

const chatDir = 'dist/widget/chat'
const manifest = JSON.parse(readFileSync(`${chatDir}/.vite/manifest.json`, 'utf8')) as Manifest

/** A chunk's file and every file it imports statically, transitively. */
function withStaticImports(key: string, seen = new Set<string>()): Set<string> {
  const chunk = manifest[key]
  if (!chunk || seen.has(chunk.file)) return seen
  seen.add(chunk.file)
  for (const imported of chunk.imports ?? []) withStaticImports(imported, seen)
  return seen
}

function gzipped(file: string): number {
  const path = file.startsWith('dist/') ? file : `${chatDir}/${file}`
  return gzipSync(readFileSync(path), { level: 9 }).length
}
const sizeOf = (files: string[]) => files.reduce((sum, file) => sum + gzipped(file), 0)

const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry)
if (!entryKey) throw new Error(`${chatDir}/.vite/manifest.json has no entry`)
const onOpen = withStaticImports(entryKey)
// ky (transport/ky.ts), the HTTP client, is a part of its own too, fetched by the first call to the
// proxy right after the chat mounts: it alone is past 4 KB. The end of a chat (the rating and the
// visitor's record, in three languages) is fetched in the background once the visitor is queued.
const partBudgets: Record<string, number> = { ky: 6, 'ending-part': 5 }
const partBudget = (name: string | undefined) => (partBudgets[name ?? ''] ?? 4) * 1024
const lazyParts = Object.keys(manifest)
  .filter((key) => manifest[key]?.isDynamicEntry)
  .map((key) => ({
    key,
    name: `lazy chat part (${manifest[key]!.name ?? key})`,
    files: [...withStaticImports(key)].filter((file) => !onOpen.has(file)),
    maxGzipBytes: partBudget(manifest[key]!.name),
  }))
const partNamed = (name: string) => lazyParts.find((part) => manifest[part.key]!.name === name)

// A visitor loads one language at most (widget/i18n/): all chat code counts the largest, not each.
const isLanguage = (name: string) => /\((es|pt-br)\)$/.test(name)
const largestLanguage = lazyParts
  .filter((part) => isLanguage(part.name))
  .sort((a, b) => sizeOf(b.files) - sizeOf(a.files))
  .slice(0, 1)

const budgets = [
  { name: 'loader (widget.js)', files: ['dist/widget/widget.js'], maxGzipBytes: 4.75 * 1024 },
  { name: 'chat on open', files: [...onOpen], maxGzipBytes: 28.75 * 1024 },
  // What a visitor's first open of a new conversation fetches in all: the pre-chat form is drawn
  // with the window, and ky comes with the first call (the proxy's config) beside the first render.
  {
    name: 'chat on open, new conversation (with the pre-chat form and ky)',
    files: [
      ...new Set([
        ...onOpen,
        ...['prechat-part', 'ky'].flatMap((name) => partNamed(name)?.files ?? []),
      ]),
    ],
    maxGzipBytes: 35.5 * 1024,
  },
  ...lazyParts,
  {
    name: 'all chat code',
    files: [
      ...new Set([
        ...onOpen,
        ...[...lazyParts.filter((part) => !isLanguage(part.name)), ...largestLanguage].flatMap(
          (part) => part.files,
        ),
      ]),
    ],
    maxGzipBytes: 52.75 * 1024,
  },
]

let failed = false
for (const { name, files, maxGzipBytes } of budgets) {
  const gzip = files.reduce((sum, file) => sum + gzipped(file), 0)
  const ok = gzip <= maxGzipBytes
  failed ||= !ok
  console.log(
    `${ok ? 'ok  ' : 'OVER'} ${name}: ${(gzip / 1024).toFixed(2)} KB gzipped (budget ${maxGzipBytes / 1024} KB)`,
  )
}
if (failed) {
  console.error(
    'Size budget exceeded: make it smaller or raise the budget deliberately, with a reason.',
  )
  process.exit(1)
}
