import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  boundaryRules,
  extractSpecifiers,
  findCycles,
  findViolations,
  formatViolation,
  type ImportGraph,
  readImportGraph,
  rooms,
} from './import-graph.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const { graph, loaded, unresolved } = readImportGraph(root, rooms)

describe('the import graph of every room', () => {
  it('reads the whole tree', () => {
    // A guard on the reader itself: an empty or partial graph would pass every rule.
    expect(graph.get('widget/chat/mount.tsx')).toContain('widget/conversation/model.ts')
    expect(graph.get('widget/conversation/model.test.ts')).toContain('widget/testing/fakes.ts')
    expect(graph.get('proxy/testing/harness.ts')).toContain('protocol/sse.ts')
    expect(graph.get('demo/start.ts')).toContain('emulator/server.ts')
    expect([...graph.keys()].some((file) => file.includes('node_modules'))).toBe(false)
  })

  it('resolves every relative import to a file', () => {
    expect(unresolved.map(formatViolation)).toEqual([])
  })

  it('points every import the allowed way', () => {
    expect(findViolations(graph, boundaryRules).map(formatViolation)).toEqual([])
  })

  it('keeps the chat’s HTTP client out of the loader that every page view pays for', () => {
    const reached = new Set<string>()
    const visit = (file: string) => {
      if (reached.has(file)) return
      reached.add(file)
      for (const next of graph.get(file) ?? []) visit(next)
    }
    visit('widget/loader.ts')
    expect(reached.size).toBeGreaterThan(3)
    expect(reached.has('widget/transport/api.ts')).toBe(false)
  })

  it('has no import cycles among the static imports (a part may import the chat that imports() it)', () => {
    expect(findCycles(loaded).map((cycle) => cycle.join(' -> '))).toEqual([])
  })
})

describe('the import checker', () => {
  it('finds static, type-only, re-exported and dynamic imports, and none in comments', () => {
    const source = [
      '/**',
      " * import { old } from './in-a-comment.ts'",
      ' */',
      "// import { gone } from './commented-out.ts'",
      "import { z } from 'zod'",
      "import type { A } from './a.ts'",
      'import {',
      '  b,',
      '  type B,',
      "} from '../b.ts'",
      "import * as c from './c.ts'",
      "import './d.ts'",
      "export { e } from './e.ts'",
      "export type { F } from './f.ts'",
      "export * from './g.ts'",
      'export const h = 1',
      // Split, so that this file's own graph does not take the example for an import of its own.
      'const i = await import' + "('./i.ts')",
    ].join('\n')
    expect(extractSpecifiers(source).sort()).toEqual(
      [
        'zod',
        './a.ts',
        '../b.ts',
        './c.ts',
        './d.ts',
        './e.ts',
        './f.ts',
        './g.ts',
        './i.ts',
      ].sort(),
    )
    // Without the import(): what evaluating the module evaluates first.
    expect(extractSpecifiers(source, false)).not.toContain('./i.ts')
  })

  it('reports a violation of every rule, and cycles', () => {
    const fake: ImportGraph = new Map([
      ['widget/ui/Composer.tsx', ['proxy/app.ts', 'protocol/wire.ts']],
      ['widget/conversation/model.ts', ['widget/transport/api.ts', 'widget/conversation/ports.ts']],
      ['widget/conversation/outbox.ts', ['widget/ui/format.ts', 'widget/chat/client-id.ts']],
      ['protocol/schemas.ts', ['proxy/env.ts', 'protocol/wire.ts']],
      ['proxy/events/memory.ts', ['proxy/zchat/adapter.ts']],
      ['proxy/routes/webhook.ts', ['proxy/zchat/schemas.ts', 'proxy/zchat/adapter.ts']],
      ['proxy/server.ts', ['demo/config.ts', 'emulator/server.ts']],
      ['proxy/errors.ts', ['widget/warn.ts']],
      // Test code may use the emulator and the demo: no violation.
      ['proxy/testing/harness.ts', ['emulator/server.ts']],
      ['proxy/routes/events.test.ts', ['demo/config.ts']],
      ['demo/start.ts', ['proxy/server.ts', 'emulator/server.ts', 'protocol/wire.ts']],
      // The emulator keeps its own reading; the demo serves no widget code; product code no helpers.
      ['emulator/api.ts', ['proxy/zchat/schemas.ts']],
      ['demo/site.ts', ['widget/warn.ts']],
      ['widget/chat/mount.tsx', ['widget/testing/fakes.ts']],
      // A cycle of three, a self-import and a cycle of two.
      ['widget/loader/a.ts', ['widget/loader/b.ts']],
      ['widget/loader/b.ts', ['widget/loader/c.ts']],
      ['widget/loader/c.ts', ['widget/loader/a.ts']],
      ['proxy/visitors.ts', ['proxy/visitors.ts']],
      ['protocol/wire.ts', ['protocol/schemas.ts']],
    ])
    const reported = findViolations(fake, boundaryRules).map(
      (v) => `${v.from} -> ${v.to} ${v.rule[0]}`,
    )
    expect(reported.sort()).toEqual(
      [
        'widget/ui/Composer.tsx -> proxy/app.ts a',
        'widget/conversation/model.ts -> widget/transport/api.ts b',
        'widget/conversation/outbox.ts -> widget/ui/format.ts b',
        'widget/conversation/outbox.ts -> widget/chat/client-id.ts b',
        'protocol/schemas.ts -> proxy/env.ts c',
        'proxy/events/memory.ts -> proxy/zchat/adapter.ts d',
        'proxy/routes/webhook.ts -> proxy/zchat/schemas.ts e',
        'proxy/server.ts -> demo/config.ts f',
        'proxy/server.ts -> demo/config.ts i',
        'proxy/server.ts -> emulator/server.ts f',
        'proxy/server.ts -> emulator/server.ts i',
        'proxy/errors.ts -> widget/warn.ts f',
        'emulator/api.ts -> proxy/zchat/schemas.ts g',
        'demo/site.ts -> widget/warn.ts h',
        'widget/chat/mount.tsx -> widget/testing/fakes.ts i',
      ].sort(),
    )
    expect(findCycles(fake).map((cycle) => cycle.join(' -> '))).toEqual([
      'protocol/schemas.ts -> protocol/wire.ts -> protocol/schemas.ts',
      'proxy/visitors.ts -> proxy/visitors.ts',
      'widget/loader/a.ts -> widget/loader/b.ts -> widget/loader/c.ts -> widget/loader/a.ts',
    ])
  })

  it('prints a violation as file -> imported file (rule)', () => {
    expect(formatViolation({ from: 'proxy/a.ts', to: 'proxy/b.ts', rule: 'x' })).toBe(
      'proxy/a.ts -> proxy/b.ts (x)',
    )
  })
})
