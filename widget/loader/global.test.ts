import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isStub } from './global.ts'

/** stub.js (served at /widget/stub.js) run on a page whose tag says `data-global`, or nothing. */
function runStubFile(global: string | null): Record<string, unknown> {
  const source = readFileSync(new URL('./stub.js', import.meta.url), 'utf8')
  const page: Record<string, unknown> = {}
  const currentScript = { getAttribute: (name: string) => (name === 'data-global' ? global : null) }
  new Function('document', 'window', source)({ currentScript }, page)
  return page
}

describe('isStub', () => {
  it("takes the snippet's stub, before and after the page calls it, and an empty global", () => {
    const page: { zchat?: unknown } = {}
    expect(isStub(page.zchat)).toBe(true)
    // The README's snippet, as a page runs it (the stub refers to itself by its global name).
    const zchat = new Function('return function(){(zchat.q=zchat.q||[]).push(arguments)}')()
    expect(isStub(zchat)).toBe(true)
    Object.assign(globalThis, { zchat })
    zchat('open')
    Reflect.deleteProperty(globalThis, 'zchat')
    expect(zchat.q).toHaveLength(1)
    expect(isStub(zchat)).toBe(true)
    // Written out by a formatter, it is still the stub.
    expect(
      isStub(new Function('return function () { (zchat.q = zchat.q || []).push(arguments) }')()),
    ).toBe(true)
  })

  it("refuses another script's zchat: a function, an object or any other value", () => {
    expect(isStub(() => 'theirs')).toBe(false)
    expect(isStub({ q: [] })).toBe(false)
    expect(isStub(Object.assign(() => {}, { q: 'not a queue' }))).toBe(false)
    expect(isStub(null)).toBe(false)
    expect(isStub('zchat')).toBe(false)
  })

  it('takes the stub file for pages with a strict CSP, under the name data-global gives', () => {
    const page = runStubFile('acmeChat')
    const stub = page.acmeChat as (...args: unknown[]) => void
    expect(isStub(stub)).toBe(true)
    stub('init', { lang: 'es' })
    expect(isStub(stub)).toBe(true)
    expect((stub as unknown as { q: unknown[][] }).q.map((args) => Array.from(args))).toEqual([
      ['init', { lang: 'es' }],
    ])
    expect(Object.keys(runStubFile(null))).toEqual(['zchat'])
  })
})
