/**
 * `npm start` builds the widget only when it is missing or older than its sources, so a second
 * start is instant.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))

/** What the widget build reads: its sources, the wire contract and the build's configuration. */
const inputs = ['widget', 'protocol', 'vite.config.ts', 'package.json']

function newest(path: string): number {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let latest = info.mtimeMs
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)))
  return latest
}

export function isWidgetStale(): boolean {
  let built: number
  try {
    built = statSync(join(root, 'dist/widget/widget.js')).mtimeMs
  } catch {
    return true
  }
  return inputs.some((input) => newest(join(root, input)) > built)
}

export async function buildWidgetIfStale(): Promise<void> {
  if (!isWidgetStale()) return
  console.log('Building the widget (its sources changed since the last build)...')
  const result = spawnSync('npm', ['run', '--silent', 'build:widget'], {
    cwd: root,
    stdio: 'inherit',
  })
  if (result.status !== 0) throw new Error('The widget build failed; see above.')
}
