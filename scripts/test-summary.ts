/**
 * Reads the output of `npm test` on stdin and prints one closing line, "N passed, N failed", adding
 * up the Vitest and Playwright counts, so CI reports every test in one place.
 */
import { stripVTControlCharacters } from 'node:util'

let text = ''
for await (const chunk of process.stdin) text += chunk
// Colour codes would split the numbers from their words.
const plain = stripVTControlCharacters(text)

let passed = 0
let failed = 0
let skipped = 0
for (const line of plain.split('\n')) {
  const vitest = /^\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line)
  const playwright = /^\s+(\d+) (passed|failed|flaky|skipped)(?: \(|$)/.exec(line)
  if (vitest?.[1]) {
    for (const [, n, kind] of vitest[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      if (kind === 'passed') passed += Number(n)
      else if (kind === 'failed') failed += Number(n)
      else skipped += Number(n)
    }
  } else if (playwright) {
    const n = Number(playwright[1])
    if (playwright[2] === 'passed') passed += n
    else if (playwright[2] === 'failed' || playwright[2] === 'flaky') failed += n
    else skipped += n
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
