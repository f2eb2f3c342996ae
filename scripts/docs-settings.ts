/**
 * Writes docs/operations.md's settings tables from the declarations in proxy/env.ts, between
 * `<!-- settings:start -->` and `<!-- settings:end -->`: `npm run docs:settings`. scripts/docs.test.ts
 * fails when the page is not what this would write, so a setting cannot be added, dropped or given
 * another default in the code alone.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { optionalSettings, requiredSettings, type Setting } from '../proxy/env.ts'

export const operationsPage = fileURLToPath(new URL('../docs/operations.md', import.meta.url))
const start = '<!-- settings:start -->'
const end = '<!-- settings:end -->'

const byteUnits = [
  ['TiB', 1024 ** 4],
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
] as const

/** 10485760 -> "10 MiB"; a count that is not a whole number of any unit stays as it is. */
function bytes(count: number): string {
  const unit = byteUnits.find(([, size]) => count >= size && count % size === 0)
  return unit ? `${count / unit[1]} ${unit[0]}` : String(count)
}

// A `|` inside a cell, code spans included, would end the cell.
const cell = (text: string) => text.replaceAll('|', '\\|')
const code = (text: string) => `\`${text}\``

function defaultOf(name: string, setting: Setting): string {
  if (setting.default === undefined) return setting.whenUnset ?? 'none'
  const count = Number(setting.default)
  const inBytes = name.endsWith('_BYTES') && bytes(count) !== setting.default
  return inBytes ? `${code(setting.default)} (${bytes(count)})` : code(setting.default)
}

function acceptedOf(name: string, setting: Setting): string {
  if (setting.bounds) {
    const show = name.endsWith('_BYTES') ? bytes : String
    return `${show(setting.bounds[0])} to ${show(setting.bounds[1])}`
  }
  if (setting.schema instanceof z.ZodEnum)
    return setting.schema.options.map(String).map(code).join(', ')
  return setting.accepts ?? ''
}

const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`

/** The tables as they stand between the markers. */
export function renderSettings(): string {
  const required: Record<string, Setting> = requiredSettings
  const optional: Record<string, Setting> = optionalSettings
  return [
    '<!-- Written by `npm run docs:settings` from proxy/env.ts: change the declarations there. -->',
    '',
    'Required: the production proxy does not start without them.',
    '',
    row(['variable', 'meaning']),
    row(['---', '---']),
    ...Object.entries(required).map(([name, setting]) => row([code(name), setting.doc])),
    '',
    'Optional:',
    '',
    row(['variable', 'default', 'accepted', 'meaning']),
    row(['---', '---', '---', '---']),
    ...Object.entries(optional).map(([name, setting]) =>
      row([code(name), defaultOf(name, setting), acceptedOf(name, setting), setting.doc]),
    ),
  ].join('\n')
}

/** `page` with the text between the markers replaced by the tables. */
export function withSettings(page: string): string {
  const from = page.indexOf(start)
  const to = page.indexOf(end)
  if (from < 0 || to < from) throw new Error(`docs/operations.md has no ${start} ... ${end}`)
  return `${page.slice(0, from + start.length)}\n${renderSettings()}\n${page.slice(to)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const page = readFileSync(operationsPage, 'utf8')
  const written = withSettings(page)
  writeFileSync(operationsPage, written)
  console.log(written === page ? 'docs/operations.md: up to date' : 'docs/operations.md: written')
}
