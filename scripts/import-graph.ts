/**
 * The import graph of the repository's rooms (protocol/, widget/, proxy/, emulator/, demo/, e2e/,
 * scripts/), and the rules on which way imports may point (see
 * import-graph.test.ts, which runs them in `npm test`). Only relative imports are edges: packages
 * such as zod are not ours to order. Static imports and re-exports are found by regular expressions
 * anchored at the start of a line, where the formatter puts them, so comment lines (`//`, ` * `)
 * never match; `import('...')` matches anywhere, so a comment quoting one would add an edge (that
 * errs towards reporting, never towards hiding).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { posix } from 'node:path'

/** Repo-relative path of a file -> repo-relative paths it imports (type-only imports included). */
export type ImportGraph = Map<string, string[]>

export type Rule = {
  name: string
  /** True when `from` importing `to` breaks the rule. */
  forbids(from: string, to: string): boolean
}

export type Violation = { from: string; to: string; rule: string }

const under = (dir: string) => (file: string) => file.startsWith(dir)
const inWidget = under('widget/')
const inProxy = under('proxy/')
const inProtocol = under('protocol/')
const inDemo = under('demo/')
const inEmulator = under('emulator/')
const inE2e = under('e2e/')
const inScripts = under('scripts/')
/** Test code: suites, and helpers in testing/ folders (widget/testing/, proxy/testing/, ...). */
const isTestCode = (file: string) =>
  /\.test\.tsx?$/.test(file) || file.includes('/testing/') || inE2e(file)

/** The rooms of the tree (docs/contributing.md "Layout"): product, contract, tools. */
export const rooms = ['protocol', 'widget', 'proxy', 'emulator', 'demo', 'e2e', 'scripts']

/** What `npm run build:proxy` ships (proxy/tsconfig.build.json leaves out the same files). */
export function isProductionProxy(file: string): boolean {
  return (inProxy(file) || inProtocol(file)) && !isTestCode(file)
}

/** Product code: what ships to a browser or a server. */
const isProduct = (file: string) => (inWidget(file) || isProductionProxy(file)) && !isTestCode(file)

/** Which way imports point, so the rooms keep telling the data flow. */
export const boundaryRules: Rule[] = [
  {
    name: 'a: the widget imports only the widget and the protocol',
    forbids: (from, to) => inWidget(from) && !isTestCode(from) && !inWidget(to) && !inProtocol(to),
  },
  {
    name: 'b: the conversation imports no transport, ui or chat code',
    forbids: (from, to) =>
      from.startsWith('widget/conversation/') &&
      ['widget/transport/', 'widget/ui/', 'widget/chat/'].some((dir) => to.startsWith(dir)),
  },
  {
    name: 'c: the protocol imports only the protocol',
    forbids: (from, to) => inProtocol(from) && !inProtocol(to),
  },
  {
    name: 'd: the event log knows nothing of zChat',
    forbids: (from, to) =>
      (from.startsWith('proxy/events/') || from.startsWith('proxy/redis/')) &&
      to.startsWith('proxy/zchat/'),
  },
  {
    name: 'e: routes never map zChat bodies (the adapter owns both directions)',
    forbids: (from, to) => from.startsWith('proxy/routes/') && to === 'proxy/zchat/schemas.ts',
  },
  {
    name: 'f: the proxy imports only the proxy and the protocol',
    forbids: (from, to) =>
      isProductionProxy(from) && inProxy(from) && !inProxy(to) && !inProtocol(to),
  },
  {
    name: 'g: the emulator imports nothing of ours (its own reading of the contract)',
    forbids: (from, to) => inEmulator(from) && !inEmulator(to),
  },
  {
    name: 'h: the demo imports only the proxy, the protocol, the emulator and itself',
    forbids: (from, to) =>
      inDemo(from) &&
      !isTestCode(from) &&
      !(inDemo(to) || inProxy(to) || inProtocol(to) || inEmulator(to)),
  },
  {
    name: 'i: product code imports no demo, e2e, scripts or test helpers',
    forbids: (from, to) =>
      isProduct(from) &&
      (inDemo(to) || inE2e(to) || inScripts(to) || inEmulator(to) || isTestCode(to)),
  },
]

const staticImport = /^\s*import\s+(?:type\s+)?[\w$*{},\s]*?\bfrom\s*['"]([^'"]+)['"]/gm
const sideEffectImport = /^\s*import\s*['"]([^'"]+)['"]/gm
const reExport =
  /^\s*export\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[\w$,\s]*\})\s*from\s*['"]([^'"]+)['"]/gm
const dynamicImport = /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g

/**
 * Every module specifier in `source`: static imports, re-exports and, unless `dynamic` is false,
 * dynamic `import('...')`.
 */
export function extractSpecifiers(source: string, dynamic = true): string[] {
  const found: string[] = []
  const patterns = [staticImport, sideEffectImport, reExport, ...(dynamic ? [dynamicImport] : [])]
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1])
  }
  return found
}

/** The repo path a relative specifier names, or null for a package. */
export function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null
  return posix.normalize(posix.join(posix.dirname(from), specifier))
}

function listSources(root: string, dir: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(posix.join(root, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist')
        files.push(...listSources(root, path))
    } else if (/\.tsx?$/.test(entry.name)) {
      files.push(path)
    }
  }
  return files
}

/**
 * Reads every .ts/.tsx file under `dirs` of `root`: `graph` with every import, `loaded` with the
 * static ones only (what evaluating a module evaluates first: where a cycle can find a binding not
 * yet initialised; an `import()` runs later, once its importer has run). Imports that name no file on
 * disk are returned apart, so a typo or a stale path cannot hide an edge from the rules.
 */
export function readImportGraph(
  root: string,
  dirs: string[],
): { graph: ImportGraph; loaded: ImportGraph; unresolved: Violation[] } {
  const graph: ImportGraph = new Map()
  const loaded: ImportGraph = new Map()
  const unresolved: Violation[] = []
  for (const file of dirs.flatMap((dir) => listSources(root, dir)).sort()) {
    const source = readFileSync(posix.join(root, file), 'utf8')
    const targets: string[] = []
    for (const specifier of extractSpecifiers(source)) {
      const target = resolveSpecifier(file, specifier)
      if (target === null) continue
      if (existsSync(posix.join(root, target))) targets.push(target)
      else unresolved.push({ from: file, to: target, rule: 'no such file' })
    }
    const statics = new Set(extractSpecifiers(source, false).map((s) => resolveSpecifier(file, s)))
    graph.set(file, [...new Set(targets)])
    loaded.set(file, [...new Set(targets.filter((target) => statics.has(target)))])
  }
  return { graph, loaded, unresolved }
}

export function findViolations(graph: ImportGraph, rules: Rule[]): Violation[] {
  const violations: Violation[] = []
  for (const [from, targets] of graph) {
    for (const to of targets) {
      for (const rule of rules)
        if (rule.forbids(from, to)) violations.push({ from, to, rule: rule.name })
    }
  }
  return violations
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), as the files along one loop
 * through it, first file repeated at the end; sorted, so reports are stable.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const targetsOf = (file: string) => graph.get(file) ?? []

  function visit(file: string): void {
    index.set(file, index.size)
    low.set(file, index.get(file)!)
    stack.push(file)
    onStack.add(file)
    for (const next of targetsOf(file)) {
      if (!index.has(next)) {
        visit(next)
        low.set(file, Math.min(low.get(file)!, low.get(next)!))
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!))
      }
    }
    if (low.get(file) !== index.get(file)) return
    const component: string[] = []
    let member: string | undefined
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== file)
    if (component.length > 1 || targetsOf(file).includes(file)) components.push(component)
  }

  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file)
  return components
    .map((component) => loopThrough(graph, new Set(component)))
    .sort((a, b) => a.join().localeCompare(b.join()))
}

/** The shortest loop from the component's first file (by name) back to it, within the component. */
function loopThrough(graph: ImportGraph, component: Set<string>): string[] {
  const start = [...component].sort()[0]!
  const cameFrom = new Map<string, string>()
  const queue = [start]
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!
    for (const next of graph.get(file) ?? []) {
      if (!component.has(next)) continue
      if (next === start) {
        const path: string[] = []
        for (let at = file; at !== start; at = cameFrom.get(at)!) path.unshift(at)
        return [start, ...path, start]
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, file)
        queue.push(next)
      }
    }
  }
  return [...component]
}

export const formatViolation = ({ from, to, rule }: Violation) => `${from} -> ${to} (${rule})`
