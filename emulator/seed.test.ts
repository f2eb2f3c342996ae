/**
 * The emulator is written from the seed (docs/zchat/seed/clientapi-v1.md): every citation of it in
 * the emulator's code names a section the seed has, and every fault, each the other answer to a
 * silence of the seed or a failure, is documented in emulator/README.md.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { faultsPatch } from './faults.ts'

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8')

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

const seedAnchors = new Set(
  read('../docs/zchat/seed/clientapi-v1.md')
    .split('\n')
    .flatMap((line) => {
      const heading = /^#{1,6}\s+(.*)$/.exec(line)
      return heading ? [anchor(heading[1]!)] : []
    }),
)

const sources = readdirSync(new URL('.', import.meta.url)).filter(
  (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
)

/** `docs/zchat/seed/clientapi-v1.md#a` and the `#b` that may follow it in the same comment. */
function citations(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(/docs\/zchat\/seed\/clientapi-v1\.md((?:#[a-z0-9-]+)?)/g)) {
    if (match[1]) found.push(match[1].slice(1))
    const rest = text.slice((match.index ?? 0) + match[0].length, (match.index ?? 0) + 200)
    for (const more of rest.matchAll(/(?:and|,) #([a-z0-9-]+)/g)) found.push(more[1]!)
  }
  return found
}

describe('citations of the seed', () => {
  it('reads the seed headings as the anchors a reader follows', () => {
    expect(seedAnchors).toContain('send-message')
    expect(seedAnchors).toContain('agent-finish-interaction')
    expect(seedAnchors).toContain('in-case-of-unavailable-agents')
  })

  it.each(sources)('%s cites only sections the seed has', (file) => {
    const unknown = citations(read(file)).filter((name) => !seedAnchors.has(name))
    expect(unknown).toEqual([])
  })

  it('cites the seed in every file that answers as zChat', () => {
    for (const file of ['api.ts', 'interactions.ts', 'webhooks.ts', 'history.ts', 'schemas.ts']) {
      expect(citations(read(file)).length, file).toBeGreaterThan(0)
    }
  })
})

describe('emulator/README.md', () => {
  const readme = read('README.md')

  it.each(Object.keys(faultsPatch.shape))('documents the %s fault', (name) => {
    expect(readme).toContain(`\`${name}\``)
  })
})
