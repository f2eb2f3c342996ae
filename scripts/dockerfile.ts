/**
 * Reads the Dockerfile and .dockerignore, so production-install.test.ts can replay the image's
 * steps without Docker (no daemon on CI). Only the syntax our files use: anything else throws, so a
 * new kind of step fails the test until the replay learns it, rather than being skipped.
 */
import { posix } from 'node:path'

export type Instruction = { keyword: string; args: string }
export type Stage = { image: string; name: string | null; instructions: Instruction[] }

/** Instructions after joining `\` continuations and dropping comments; global ARGs substituted in FROM. */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    // Docker drops comment and empty lines, even inside a continued instruction.
    if (line === '' || line.startsWith('#')) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `
      continue
    }
    logical.push(pending + line)
    pending = ''
  }
  if (pending !== '') logical.push(pending)

  const args = new Map<string, string>()
  const stages: Stage[] = []
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? []
    const instruction = { keyword: keyword.toUpperCase(), args: rest.trim() }
    const stage = stages.at(-1)
    if (instruction.keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args)
      if (!from?.[1]) throw new Error(`Dockerfile: cannot read FROM ${instruction.args}`)
      const image = from[1].replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
        const value = args.get(name)
        if (value === undefined) throw new Error(`Dockerfile: FROM uses $${name}, no ARG sets it`)
        return value
      })
      stages.push({ image, name: from[2] ?? null, instructions: [] })
    } else if (!stage && instruction.keyword === 'ARG') {
      const [name = '', value] = instruction.args.split('=', 2)
      if (value !== undefined) args.set(name, value)
    } else if (stage) {
      stage.instructions.push(instruction)
    } else {
      throw new Error(`Dockerfile: ${instruction.keyword} before the first FROM`)
    }
  }
  return stages
}

/** `ENV A=1 B="two"`, or the legacy `ENV A value`. */
export function parseEnv(args: string): Record<string, string> {
  if (!/^\w+=/.test(args)) {
    const [, name = '', value = ''] = /^(\w+)\s+(.*)$/.exec(args) ?? []
    if (!name) throw new Error(`Dockerfile: cannot read ENV ${args}`)
    return { [name]: value }
  }
  const env: Record<string, string> = {}
  const pair = /(\w+)=("([^"]*)"|\S*)\s*/gy
  let match: RegExpExecArray | null = pair.exec(args)
  let end = 0
  while (match) {
    env[match[1]!] = match[3] ?? match[2]!
    end = pair.lastIndex
    match = pair.exec(args)
  }
  if (end !== args.length) throw new Error(`Dockerfile: cannot read ENV ${args}`)
  return env
}

/** COPY [--from=stage] [--chown/--chmod/--link] src... dest */
export function parseCopy(args: string): { from: string | null; sources: string[]; dest: string } {
  const words = args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/)
  let from: string | null = null
  const paths: string[] = []
  for (const word of words) {
    if (word.startsWith('--from=')) from = word.slice('--from='.length)
    // Ownership and layering do not change which files the image has.
    else if (/^--(chown|chmod|link)\b/.test(word)) continue
    else if (word.startsWith('--')) throw new Error(`Dockerfile: the replay cannot COPY ${word}`)
    else paths.push(word)
  }
  const dest = paths.pop()
  if (!dest || paths.length === 0) throw new Error(`Dockerfile: cannot read COPY ${args}`)
  return { from, sources: paths, dest }
}

/** CMD / ENTRYPOINT / HEALTHCHECK CMD as argv: exec form as written, shell form through /bin/sh. */
export function parseCommand(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[]
  return ['/bin/sh', '-c', args]
}

/** HEALTHCHECK [--options] CMD command, as argv; null for HEALTHCHECK NONE. */
export function parseHealthcheck(args: string): string[] | null {
  if (/^NONE$/i.test(args)) return null
  const match = /^(?:--\S+\s+)*CMD\s+(.+)$/i.exec(args)
  if (!match?.[1]) throw new Error(`Dockerfile: cannot read HEALTHCHECK ${args}`)
  return parseCommand(match[1])
}

/**
 * .dockerignore as a predicate on context-relative paths ('a/b', no leading './'). Docker's rules:
 * patterns are anchored at the context root, `*` stays within one path segment, `**` spans any
 * number. An ignored directory's content is ignored with it (no `!` exceptions here to bring it back).
 */
export function readDockerignore(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      if (line.startsWith('!') || /[[\]]/.test(line))
        throw new Error(`.dockerignore: the replay does not read "${line}"`)
      const clean = posix.normalize(line.replace(/^\/+/, '')).replace(/\/+$/, '')
      const source = clean
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) => {
          if (part === '**/') return '(?:.*/)?'
          if (part === '**') return '.*'
          if (part === '*') return '[^/]*'
          if (part === '?') return '[^/]'
          return part.replace(/[.+^${}()|\\]/g, '\\$&')
        })
        .join('')
      return new RegExp(`^${source}$`)
    })
  return (path) => patterns.some((pattern) => pattern.test(path))
}
