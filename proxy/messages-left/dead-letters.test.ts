/**
 * Dead letters in a folder, and the operator's commands on them (list, retry, erase), against a
 * real site inbox on loopback; the built entry once, as an operator runs it.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultLimits } from '../env.ts'
import { startProxy } from '../server.ts'
import { testConfig } from '../testing/harness.ts'
import { type Receiver, startReceiver } from '../testing/site-inbox.ts'
import { runDeadLetterCommand } from './dead-letter-commands.ts'
import { createFolderDeadLetters, type DeadLetter, DeadLettersFull } from './dead-letters.ts'

const secret = 'the-site-secret-0123456789abcdefghij'
const hour = 60 * 60 * 1000

const letter = (id: string, failedAt: string, text = 'Do you ship to Recife?'): DeadLetter => ({
  message: { id, receivedAt: failedAt, email: 'ana@example.com', name: 'Ana', text },
  outcome: 'gave_up',
  failedAt,
  tries: 5,
  last: { status: 503 },
})

let root = ''
let dir = ''
let receiver: Receiver | null = null
afterEach(async () => {
  await receiver?.close()
  receiver = null
  rmSync(root, { recursive: true, force: true })
})

/** A store in a folder not made yet. */
function store(options: { now?: () => number; max?: number } = {}) {
  root = mkdtempSync(join(tmpdir(), 'zchat-dead-letters-'))
  dir = join(root, 'letters')
  return createFolderDeadLetters({ dir, retentionMs: 24 * hour, ...options })
}

describe('dead letters in a folder', () => {
  it('keeps each one in a file only the proxy’s user reads, lists them oldest first, erases one', async () => {
    const letters = store({ now: () => Date.parse('2025-03-02T12:00:00.000Z') })
    await letters.prepare()
    await letters.put(letter('b', '2025-03-02T10:00:00.000Z'))
    await letters.put(letter('a', '2025-03-02T09:00:00.000Z'))
    expect((statSync(join(dir, 'a.json')).mode & 0o777).toString(8)).toBe('600')
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700')
    // Something that is not a letter (edited by hand) is left alone, and not listed.
    writeFileSync(join(dir, 'c.json'), '{"not": "a letter"}')
    expect((await letters.list()).map((l) => l.message.id)).toEqual(['a', 'b'])
    expect(await letters.erase('a')).toBe(true)
    expect(await letters.erase('a')).toBe(false)
    expect(await letters.erase('../etc/passwd')).toBe(false)
    expect((await letters.list()).map((l) => l.message.id)).toEqual(['b'])
  })

  it('lets proxies sharing the folder start at once (the e2e workers share the demo’s default)', async () => {
    store()
    // Processes of their own, as two Playwright workers starting the demo: each starts again and
    // again for half a second while the others do, its probe written and removed among theirs.
    const module = fileURLToPath(new URL('./dead-letters.ts', import.meta.url))
    const script = `
      const { createFolderDeadLetters } = await import(${JSON.stringify(module)})
      const letters = createFolderDeadLetters({ dir: process.argv[1], retentionMs: 1000 })
      const [from, until] = [Number(process.argv[2]), Number(process.argv[2]) + 500]
      await new Promise((resolve) => setTimeout(resolve, from - Date.now()))
      while (Date.now() < until) await letters.prepare()
    `
    // Started together, however long each takes to load.
    const from = String(Date.now() + 3000)
    const runs = Array.from(
      { length: 3 },
      () =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', '--input-type=module', '-e', script, dir, from],
            { stdio: ['ignore', 'ignore', 'pipe'] },
          )
          let stderr = ''
          child.stderr.on('data', (chunk) => {
            stderr += chunk
          })
          child.on('exit', (code) => resolve({ code, stderr }))
        }),
    )
    const ended = await Promise.all(runs)
    expect(ended.filter((run) => run.code !== 0).map((run) => run.stderr.slice(0, 300))).toEqual([])
    expect(readdirSync(dir)).toEqual([])
  })

  it('erases those past LEAVE_MESSAGE_DEAD_LETTER_HOURS', async () => {
    let t = Date.parse('2025-03-02T12:00:00.000Z')
    const letters = store({ now: () => t })
    await letters.prepare()
    await letters.put(letter('old', '2025-03-01T11:00:00.000Z'))
    await letters.put(letter('new', '2025-03-02T11:00:00.000Z'))
    expect(await letters.sweep()).toBe(1)
    expect(readdirSync(dir)).toEqual(['new.json'])
    t += 24 * hour
    expect(await letters.list()).toEqual([])
  })

  it('keeps no more than its bound: past it, a new one is refused', async () => {
    const letters = store({ max: 2, now: () => Date.parse('2025-03-02T12:00:00.000Z') })
    await letters.prepare()
    await letters.put(letter('a', '2025-03-02T10:00:00.000Z'))
    await letters.put(letter('b', '2025-03-02T10:00:00.000Z'))
    await expect(letters.put(letter('c', '2025-03-02T11:00:00.000Z'))).rejects.toBeInstanceOf(
      DeadLettersFull,
    )
  })

  it('stops the proxy’s start when its folder cannot be written, naming the setting', async () => {
    root = mkdtempSync(join(tmpdir(), 'zchat-dead-letters-'))
    const notAFolder = join(root, 'a-file')
    writeFileSync(notAFolder, '')
    const config = testConfig({
      leaveMessage: { url: 'http://127.0.0.1:9/left', secret },
      deadLetterDir: notAFolder,
      limits: { ...defaultLimits, uploadMaxBytes: 0 },
    })
    await expect(startProxy(config, { widgetDir: '/nonexistent', logger: false })).rejects.toThrow(
      /LEAVE_MESSAGE_DEAD_LETTER_DIR: .*a-file cannot be created or written to/,
    )
  })

  it('lists none when the folder was never made', async () => {
    expect(await store().list()).toEqual([])
  })
})

describe('the operator’s commands', () => {
  it('list, retry (erasing what the site takes) and erase', async () => {
    receiver = await startReceiver({ secret, statuses: [200, 503] })
    const letters = store()
    await letters.prepare()
    const now = new Date().toISOString()
    await letters.put(letter('d-1', now, 'first'))
    await letters.put(letter('d-2', now, 'second'))
    await letters.put(letter('d-3', now, 'third'))
    const lines: string[] = []
    const run = (...args: string[]) =>
      runDeadLetterCommand(args, {
        deadLetters: letters,
        target: { url: receiver!.url, secret, timeoutMs: 2000 },
        print: (line) => lines.push(line),
      })

    expect(await run('list')).toBe(0)
    expect(lines.map((line) => JSON.parse(line).message.id)).toEqual(['d-1', 'd-2', 'd-3'])
    lines.length = 0

    // d-1 taken, d-2 refused for now (503); d-9 is no dead letter.
    expect(await run('retry', 'd-1', 'd-2', 'd-9')).toBe(1)
    expect(lines).toEqual([
      'd-9: no such dead letter',
      'd-1: delivered (200), erased',
      'd-2: not delivered (503), kept',
    ])
    // Delivered as the queue delivers: signed, the same body.
    expect(receiver.received.map((r) => [r.signed, JSON.parse(r.body).id])).toEqual([
      [true, 'd-1'],
      [true, 'd-2'],
    ])
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      type: 'message-left',
      text: 'first',
    })
    lines.length = 0

    expect(await run('erase', 'd-3')).toBe(0)
    expect((await letters.list()).map((l) => l.message.id)).toEqual(['d-2'])
    // Every one left, when no id is given: the site takes d-2 now.
    expect(await run('retry')).toBe(0)
    expect(await letters.list()).toEqual([])
    expect(await run('shred')).toBe(2)
    expect(lines.at(-1)).toMatch(/^Usage/)
  })

  it('run as the operator runs them: the entry reads the proxy’s environment', async () => {
    const letters = store()
    await letters.prepare()
    await letters.put(letter('d-1', new Date().toISOString()))
    const entry = fileURLToPath(new URL('../dead-letters.ts', import.meta.url))
    const env = {
      PATH: process.env.PATH,
      ZCHAT_TOKEN: 'token',
      ZCHAT_WEBHOOK_SECRET: 'webhook-secret-0123456789',
      SESSION_SECRET: 'session-secret-0123456789abcdefghij',
      PUBLIC_URL: 'https://chat.example.com',
      ALLOWED_ORIGINS: 'https://www.example.com',
      ALLOWED_DEPARTMENTS: '1',
      LEAVE_MESSAGE_DEAD_LETTER_DIR: dir,
    }
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url))
    const listed = spawnSync(tsx, [entry, 'list'], { env, encoding: 'utf8', timeout: 30_000 })
    expect(listed.stderr).toBe('')
    expect(listed.status).toBe(0)
    expect(JSON.parse(listed.stdout)).toMatchObject({ message: { id: 'd-1' } })
    const erased = spawnSync(tsx, [entry, 'erase', 'd-1'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(erased.stdout).toBe('d-1: erased\n')
    expect(readdirSync(dir)).toEqual([])
  })
})
