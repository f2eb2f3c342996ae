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

/**
 * docs/zchat/assumptions.md mirrors code on both sides: the proxy's functions that depend on each
 * assumption, and the emulator's faults that give the other answer. Both are held to the code here.
 */
describe('docs/zchat/assumptions.md', () => {
  const rows = read('../docs/zchat/assumptions.md')
    .split('\n')
    .filter((line) => /^\| \d+ /.test(line))
    .map((line) => line.split(' | ').map((cell) => cell.trim()))
  /** Backquoted words of a cell, leaving out what is in brackets (examples, not names). */
  const quoted = (cell: string) =>
    [...cell.replace(/\([^)]*\)/g, '').matchAll(/`([^`]+)`/g)].map((match) => match[1]!)

  it.each(rows.map((row) => [row[0]!.replace('| ', ''), row] as const))(
    'row %s names faults the emulator has and code that exists',
    (_id, row) => {
      expect(row).toHaveLength(6)
      const faults = quoted(row[5] ?? '')
        .filter((word) => !word.startsWith('POST '))
        .map((word) => word.split(':')[0]!)
      for (const fault of faults) expect(Object.keys(faultsPatch.shape)).toContain(fault)
      for (const place of (row[3] ?? '').split(';')) {
        const [path, ...names] = quoted(place)
        expect(path).toMatch(/^[a-z]+\/[\w/.-]+\.ts$/)
        const text = read(`../${path}`)
        for (const name of names) {
          const identifier = /^[A-Za-z_$][\w$]*/.exec(name)?.[0]
          if (identifier) expect(text, `${path} ${name}`).toContain(identifier)
        }
      }
    },
  )
})
