/**
 * widget/zchat.d.ts is written by hand for sites: a site's usage compiles against it with tsc, its
 * mistakes do not, and it says what the widget really sends (checked by the root project's tsc).
 */
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { PhaseName } from './conversation/machine.ts'
import { initNames } from './loader/options.ts'
import type { ChatHost } from './loader-chat-interface.ts'
import type { ZchatEvents, ZchatMessage, ZchatState } from './zchat.d.ts'

const declarations = new URL('./zchat.d.ts', import.meta.url)
const tsc = new URL('../node_modules/typescript/bin/tsc', import.meta.url)

// What listeners get is what the chat reports (loader-chat-interface.ts), both ways for the states.
type Reported = Parameters<ChatHost['message']>[0]
const message: ZchatMessage = {} as Reported
const state: ZchatState = '' as PhaseName
const phase: PhaseName = '' as ZchatState
const listeners: Array<keyof ZchatEvents> = ['open', 'close', 'message', 'state']
void [message, state, phase, listeners]

/**
 * A site's TypeScript: what it may write, and (each under @ts-expect-error) what it may not. Its import
 * path is spliced in, so scripts/import-graph.ts does not take it for one of this file's own.
 */
const site = `
import type { Zchat, ZchatMessage } from ${JSON.stringify('./zchat')}

zchat('init', { lang: 'pt-BR', department: 1, open: false, zIndex: 10, extra: { plan: 'gold' } })
zchat('init', { departments: [{ id: 7, label: 'Vendas', hours: 'mon-fri 09:00-18:00' }], channels: 'web,whatsapp' })
zchat('on', 'message', (message: ZchatMessage) => console.log(message.text, message.media?.url))
zchat('on', 'state', (state) => state === 'chatting')
zchat('identify', { name: 'Ana', identity: { payload: 'e30', signature: 's' } })
zchat('identify', { identity: () => fetch('/chat/identity').then((r) => r.json()) })
zchat('identify', { identity: () => ({ payload: 'e30', signature: 's' }) })
zchat('reset')
zchat('captcha', async () => 'token')
zchat('init', { greeting: 'Olá!', greetingDelay: 5 })
zchat('greet', 'Olá! Posso ajudar com seu pedido?', { delay: 5 })
zchat('greet', 'Olá!')
zchat('destroy')
const named: Zchat = window.zchat

// @ts-expect-error: an unknown option
zchat('init', { colour: 'red' })
// @ts-expect-error: department is a number
zchat('init', { department: '1' })
// @ts-expect-error: a department's id is a number
zchat('init', { departments: [{ id: '7', label: 'Vendas' }] })
// @ts-expect-error: the delay is in an object
zchat('greet', 'Olá!', 5)
// @ts-expect-error: no such command
zchat('explode')
// @ts-expect-error: a state listener gets a state name
zchat('on', 'state', (state: number) => state)
// @ts-expect-error: an identity is signed
zchat('identify', { identity: { payload: 'e30' } })
// @ts-expect-error: no such event
zchat('on', 'typing', () => {})
void named
`

async function compile(source: string) {
  const dir = await mkdtemp(join(tmpdir(), 'zchat-types-'))
  try {
    await copyFile(declarations, join(dir, 'zchat.d.ts'))
    await writeFile(join(dir, 'site.ts'), source)
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022,dom']
    args.push('--module', 'esnext', '--moduleResolution', 'bundler', '--types', '', 'site.ts')
    return await promisify(execFile)(process.execPath, [tsc.pathname, ...args], { cwd: dir }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('zchat.d.ts', () => {
  it("compiles a site's usage and refuses its mistakes", async () => {
    expect(await compile(site)).toBe('')
  }, 30_000)

  it('fails on a mistake it should refuse', async () => {
    expect(await compile("zchat('init', { open: 'yes' })\n")).toMatch(/site\.ts\(1,/)
  }, 30_000)

  it("names every option zchat('init') takes", async () => {
    const text = await readFile(declarations, 'utf8')
    const body = text.match(/interface ZchatOptions \{([\s\S]*?)\n\}/)?.[1] ?? ''
    const names = [...body.matchAll(/^ {2}(\w+)\?:/gm)].map((match) => match[1])
    expect(names.sort()).toEqual([...initNames].sort())
  })
})
