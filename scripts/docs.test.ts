/**
 * The docs against the code they mirror: the settings table (written from proxy/env.ts), the error
 * codes (protocol/wire.ts, with proxy/errors.ts's statuses), the decisions' index, and every page
 * reachable from the README through links that lead somewhere.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { ErrorCode } from '../protocol/wire.ts'
import { optionalSettings, requiredSettings, type Setting } from '../proxy/env.ts'
import { ApiError } from '../proxy/errors.ts'
import { operationsPage, withSettings } from './docs-settings.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const read = (path: string) => readFileSync(posix.join(root, path), 'utf8')
const listMarkdown = (dir: string) =>
  readdirSync(posix.join(root, dir))
    .filter((name) => name.endsWith('.md'))
    .map((name) => posix.join(dir, name))
    .sort()

/** The cells of each table row of `text` that starts with a code span, e.g. | `PORT` | ... |. */
function codeRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    )
}

/** The text of a page's section, from its `## heading` to the next heading of that level. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`)
  if (start < 0) throw new Error(`no "## ${heading}"`)
  const next = text.indexOf('\n## ', start + 1)
  return text.slice(start, next < 0 ? undefined : next)
}

describe('the settings table in docs/operations.md', () => {
  const page = readFileSync(operationsPage, 'utf8')
  const between = page.slice(
    page.indexOf('<!-- settings:start -->'),
    page.indexOf('<!-- settings:end -->'),
  )
  const rows = codeRows(between)
  const declared: Record<string, Setting> = { ...requiredSettings, ...optionalSettings }

  it('lists every setting the proxy reads, and no other', () => {
    expect(Object.keys(declared).length).toBeGreaterThan(50)
    expect(rows.map(([name]) => name?.replaceAll('`', ''))).toEqual(Object.keys(declared))
  })

  it("gives each optional setting the code's default", () => {
    const inPage = Object.fromEntries(
      rows
        .filter((cells) => cells.length === 4)
        .map(([name = '', fallback = '']) => [
          name.replaceAll('`', ''),
          // The default is the first code span; "none", "any" and the like are no default.
          fallback.startsWith('`') ? fallback.slice(1, fallback.indexOf('`', 1)) : null,
        ]),
    )
    const inCode = Object.fromEntries(
      Object.entries(optionalSettings as Record<string, Setting>).map(([name, setting]) => [
        name,
        setting.default ??
          (setting.whenUnset?.startsWith('`') ? setting.whenUnset.slice(1, -1) : null),
      ]),
    )
    expect(inPage).toEqual(inCode)
    expect(inPage.MAX_STREAMS).toBe('20000')
  })

  it('is what `npm run docs:settings` writes (run it after changing proxy/env.ts)', () => {
    expect(page).toBe(withSettings(page))
  })
})

describe('the error codes in docs/http-api.md', () => {
  const documented = codeRows(section(read('docs/http-api.md'), 'Error codes')).map(
    ([code = '', status = '']) => ({ code: code.replaceAll('`', ''), status: Number(status) }),
  )
  // The union's members, as written in the contract; ApiError gives each its status.
  const union = /export type ErrorCode =([^=]*?)\n\n/.exec(read('protocol/wire.ts'))?.[1] ?? ''
  const codes = [...union.matchAll(/\|\s*'([A-Z_]+)'/g)].map(([, code]) => code!)

  it('reads the codes from the contract', () => {
    expect(codes).toContain('RANGE_NOT_SATISFIABLE')
    expect(codes.length).toBeGreaterThan(12)
  })

  it('documents every code with its status, and no code the proxy does not send', () => {
    const inCode = codes.map((code) => ({
      code,
      status: new ApiError(code as ErrorCode, 'x').status,
    }))
    const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code)
    expect([...documented].sort(byCode)).toEqual(inCode.sort(byCode))
  })
})

describe('the pages', () => {
  const pages = ['README.md', ...listMarkdown('docs'), ...listMarkdown('docs/decisions')]

  /** Links of a markdown page, leaving out code blocks and code spans (examples, not links). */
  function linksOf(path: string): string[] {
    const text = read(path)
      .replace(/^```[\s\S]*?^```/gm, '')
      .replace(/`[^`\n]*`/g, '')
    return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target]) => target!)
  }

  /** GitHub's anchors for a page's headings. */
  function anchorsOf(path: string): Set<string> {
    const seen = new Map<string, number>()
    const anchors = new Set<string>()
    const text = read(path).replace(/^```[\s\S]*?^```/gm, '')
    for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
      const slug = heading!
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replaceAll(' ', '-')
      const count = seen.get(slug) ?? 0
      seen.set(slug, count + 1)
      anchors.add(count === 0 ? slug : `${slug}-${count}`)
    }
    return anchors
  }

  it('are each linked from the README', () => {
    const linked = new Set(linksOf('README.md').map((target) => target.split('#')[0]))
    const unlinked = [...listMarkdown('docs'), 'docs/decisions/README.md'].filter(
      (page) => !linked.has(page),
    )
    expect(unlinked).toEqual([])
  })

  it('link only to files and headings that exist', () => {
    const broken: string[] = []
    // A guard on the reader: finding no links would pass.
    expect(pages.flatMap(linksOf).length).toBeGreaterThan(60)
    for (const page of pages) {
      for (const target of linksOf(page)) {
        if (/^[a-z]+:/.test(target)) continue
        const [file = '', anchor] = target.split('#')
        const path = file === '' ? page : posix.normalize(posix.join(posix.dirname(page), file))
        if (!existsSync(posix.join(root, path))) broken.push(`${page}: ${target} (no such file)`)
        else if (anchor && path.endsWith('.md') && !anchorsOf(path).has(anchor))
          broken.push(`${page}: ${target} (no such heading)`)
      }
    }
    expect(broken).toEqual([])
  })

  it('keep the README a front page with the test command CI runs', () => {
    const readme = read('README.md')
    expect(readme.split('\n').length).toBeLessThanOrEqual(200)
    // .ci/run runs "exactly the README's test command".
    expect(readme).toContain('```sh\nnpm test\n```')
    expect(read('.ci/run')).toMatch(/^npm test /m)
  })
})

describe('the decisions index', () => {
  const records = listMarkdown('docs/decisions').filter((path) => !path.endsWith('README.md'))

  it("lists every record with the record's own date and status", () => {
    expect(records.length).toBeGreaterThan(10)
    const index = codeRowsOfIndex(read('docs/decisions/README.md'))
    const fromRecords = records.map((path) => {
      const text = read(path)
      return {
        file: posix.basename(path),
        date: /^Date: (\d{4}-\d{2}-\d{2})$/m.exec(text)?.[1],
        status: /^Status: (.+)$/m.exec(text)?.[1],
      }
    })
    expect(index).toEqual(fromRecords)
  })
})

/** Rows of the decisions' index: | 1 | [title](001-x.md) | 2026-11-22 | accepted |. */
function codeRowsOfIndex(text: string) {
  return [...text.matchAll(/^\| \d+ \| \[[^\]]*\]\(([^)]+)\) \| ([^|]+) \| ([^|]+) \|$/gm)].map(
    ([, file, date, status]) => ({ file, date: date!.trim(), status: status!.trim() }),
  )
}
