/**
 * Which regular expressions may be run on text an agent (or anyone but the visitor) wrote, and a
 * recorder of the ones the widget's own code runs, so a test can hold every one of them to it.
 *
 * The browser's engine backtracks: `/[.!?]+$/` on `http://a` and 60,000 dots then a letter tries
 * every dot as a start and runs to the letter each time, about n²/2 steps (1.75 s in Node 20), and
 * nested or adjacent quantifiers can take exponentially long. A test cannot time that honestly, so
 * the rule is structural, and strict enough that what passes it is linear on any input:
 * - no back-reference, no quantifier on a group (nor alternation under one: `(a|a)+`);
 * - at most one unbounded quantifier (`*`, `+`, `{n,}`), on one character or class;
 * - and then either the pattern is anchored at its start (`^`, not multiline, no top-level `|`), so
 *   it is tried from one place; or nothing at all follows the quantifier, so once the quantifier
 *   is reached the match cannot fail, and each start costs only the fixed part before it.
 */

type Token =
  | { kind: 'atom' | 'assert' | 'open' | 'close' | 'alt' | 'backref' }
  | { kind: 'quantifier'; unbounded: boolean; braces: boolean }

/** The pattern's tokens, as far as the rule needs them. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i]!
    const quantifier = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/.exec(source.slice(i, i + 24))?.[0]
    if (quantifier) {
      const unbounded = /^[*+]|,\}/.test(quantifier)
      tokens.push({ kind: 'quantifier', unbounded, braces: quantifier.startsWith('{') })
      i += quantifier.length
    } else if (c === '\\') {
      const next = source[i + 1] ?? ''
      if (/[1-9k]/.test(next)) tokens.push({ kind: 'backref' })
      else tokens.push({ kind: next === 'b' || next === 'B' ? 'assert' : 'atom' })
      // `\p{L}`, `\u{1F600}`: the braces belong to the escape.
      i = /[pPu]/.test(next) && source[i + 2] === '{' ? source.indexOf('}', i) + 1 : i + 2
    } else if (c === '[') {
      let end = i + 1
      if (source[end] === '^') end++
      if (source[end] === ']') end++
      while (end < source.length && source[end] !== ']') end += source[end] === '\\' ? 2 : 1
      tokens.push({ kind: 'atom' })
      i = end + 1
    } else if (c === '(') {
      tokens.push({ kind: 'open' })
      const named = source.startsWith('(?<', i) && !/^\(\?<[=!]/.test(source.slice(i, i + 4))
      i = named
        ? source.indexOf('>', i) + 1
        : source.startsWith('(?', i)
          ? i + (source[i + 2] === '<' ? 4 : 3)
          : i + 1
    } else {
      const kinds: Record<string, Token['kind']> = {
        ')': 'close',
        '|': 'alt',
        '^': 'assert',
        $: 'assert',
      }
      tokens.push({ kind: kinds[c] ?? 'atom' } as Token)
      i++
    }
  }
  return tokens
}

/** Why `pattern` could take more than linear time on some input; null when it cannot. */
export function superLinearReason(pattern: RegExp): string | null {
  const tokens = tokenize(pattern.source)
  if (tokens.some((token) => token.kind === 'backref')) return 'a back-reference'
  let found = -1
  for (const [i, token] of tokens.entries()) {
    if (token.kind !== 'quantifier') continue
    const before = tokens[i - 1]?.kind
    if (before === 'close' && (token.unbounded || token.braces)) return 'a repeated group'
    if (before !== 'atom' && before !== 'close') return 'a quantifier on nothing to repeat'
    if (!token.unbounded) continue
    if (found >= 0) return 'more than one unbounded quantifier'
    found = i
  }
  // Nothing after the quantifier but the ends of groups: once there, the match cannot fail.
  if (found < 0 || tokens.slice(found + 1).every((token) => token.kind === 'close')) return null
  let depth = 0
  let topLevelAlternation = false
  for (const token of tokens) {
    if (token.kind === 'open') depth++
    if (token.kind === 'close') depth--
    if (token.kind === 'alt' && depth === 0) topLevelAlternation = true
  }
  const anchored = pattern.source.startsWith('^') && !pattern.multiline && !topLevelAlternation
  return anchored ? null : 'an unanchored pattern that can fail after its unbounded quantifier'
}

export type RegexRun = { pattern: RegExp; inputLength: number; caller: string }

/**
 * Runs `work` while recording every regular expression that code under `roots` (paths such as
 * `/widget/`) runs on a string of at least `minLength` characters. Every way of running one (`test`,
 * `replace`, `match`, `matchAll`, `split`, `search`) goes through `RegExp.prototype.exec` once it is
 * replaced, so that is where the recorder sits; the caller is read from the stack.
 */
export async function recordRegexRuns(
  roots: readonly string[],
  minLength: number,
  work: () => unknown,
): Promise<RegexRun[]> {
  const runs: RegexRun[] = []
  const exec = RegExp.prototype.exec
  const ours = (line: string) =>
    roots.some((root) => line.includes(root)) &&
    !line.includes('/node_modules/') &&
    !line.includes('/testing/') &&
    !line.includes('.test.')
  /** A stack line that names a file (String.replace and the like name none). */
  const withFile = /\/[^()]+:\d+:\d+\)?$/
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    if (typeof input === 'string' && input.length >= minLength) {
      // The first frame with a file is the code that ran the expression (String.replace and the
      // like have none).
      const frames = (new Error().stack ?? '').split('\n').slice(2)
      const caller = frames.find((frame) => exec.call(withFile, frame) !== null)
      if (caller && ours(caller)) runs.push({ pattern: this, inputLength: input.length, caller })
    }
    return exec.call(this, input)
  }
  try {
    await work()
  } finally {
    RegExp.prototype.exec = exec
  }
  return runs
}
