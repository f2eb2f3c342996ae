/**
 * Size budgets of the drop-in widget, checked after `npm run build`. Every site that embeds the
 * widget pays for widget.js on every page view, so it is held to a few kilobytes; the chat chunk is
 * paid only by visitors who open the chat.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const budgets = [
  { name: 'loader (widget.js)', files: ['dist/widget/widget.js'], maxGzipBytes: 4 * 1024 },
  {
    name: 'chat chunk(s)',
    files: readdirSync('dist/widget/chat')
      .filter((f) => f.endsWith('.js'))
      .map((f) => `dist/widget/chat/${f}`),
    maxGzipBytes: 25 * 1024,
  },
]

let failed = false
for (const { name, files, maxGzipBytes } of budgets) {
  const gzip = files.reduce(
    (sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length,
    0,
  )
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
