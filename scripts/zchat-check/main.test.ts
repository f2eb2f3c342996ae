/**
 * `npm run zchat:check` as an operator runs it: a child process with settings in its environment,
 * the emulator as zChat. Its exit status, and never the token or the secret in what it prints.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../emulator/server.ts'
import { freePort } from '../../proxy/testing/redis-server.ts'

const main = fileURLToPath(new URL('./main.ts', import.meta.url))
const token = `tok-${Math.random().toString(36).slice(2)}-zchat`
const secret = `whsec-${Math.random().toString(36).slice(2)}-0123456789`
let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ token })
})
afterAll(async () => {
  await emulator.close()
})

type Result = { code: number | null; stdout: string; stderr: string }

function runCheck(env: Record<string, string>, args: string[] = []): Promise<Result> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    // Nothing of the caller's environment but what Node needs: no stray ZCHAT_* settings.
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

async function settingsFor() {
  const port = await freePort()
  const publicUrl = `http://127.0.0.1:${port}`
  emulator.setWebhookUrl(`${publicUrl}/webhooks/zchat/${secret}`)
  await fetch(`${emulator.url}/control/reset`, { method: 'POST' })
  return {
    ZCHAT_API_URL: emulator.apiUrl,
    ZCHAT_TOKEN: token,
    ZCHAT_WEBHOOK_SECRET: secret,
    PUBLIC_URL: publicUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    ZCHAT_CHECK_DEPARTMENT: '1',
    ZCHAT_CHECK_WAIT_SECONDS: '5',
  }
}

const expectNoSecrets = ({ stdout, stderr }: Result) => {
  for (const text of [stdout, stderr]) {
    expect(text).not.toContain(token)
    expect(text).not.toContain(secret)
  }
}

describe('npm run zchat:check', () => {
  it('exits 0 with every row matching, and prints neither the token nor the secret', async () => {
    const result = await runCheck(await settingsFor())
    expect(result.stdout).toMatch(/All 18 rows match/)
    expect(result.stdout).toMatch(/^message-after-finish\s+yes\s+HTTP 422/m)
    expect(result.stderr).toMatch(
      /Waiting up to 5 s for a trigger at http:\/\/127\.0\.0\.1:\d+\/webhooks\/zchat\/whs…/,
    )
    expect(result.code).toBe(0)
    expectNoSecrets(result)
  })

  it('exits 1 on a contradiction, and scrubs the secrets zChat echoes from the JSON report', async () => {
    const env = await settingsFor()
    await fetch(`${emulator.url}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        failNext: { status: 401, count: 1, message: `token ${token} refused (webhook ${secret})` },
      }),
    })
    const result = await runCheck(env, ['--json'])
    expect(result.code).toBe(1)
    expectNoSecrets(result)
    const report = JSON.parse(result.stdout) as {
      ok: boolean
      rows: { id: string; verdict: string; body: string | null; detail: string }[]
    }
    expect(report.ok).toBe(false)
    const start = report.rows.find((row) => row.id === 'start')!
    expect(start.verdict).toBe('mismatch')
    expect(start.body).toContain('token [redacted] refused (webhook [redacted])')
    expect(start.detail).toMatch(/check ZCHAT_TOKEN/)
  })

  it('exits 2 naming a bad setting, or a port already taken', async () => {
    const env = await settingsFor()
    const bad = await runCheck({ ...env, ZCHAT_WEBHOOK_SECRET: 'short' }, ['--department', 'x'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^ {2}ZCHAT_WEBHOOK_SECRET: at least 16 characters$/m)
    expect(bad.stderr).toMatch(/^ {2}ZCHAT_CHECK_DEPARTMENT \(--department\):/m)
    expectNoSecrets(bad)

    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(Number(env.PORT), '127.0.0.1', resolve))
    try {
      const busy = await runCheck(env)
      expect(busy.code).toBe(2)
      expect(busy.stderr).toMatch(/HOST\/PORT: 127\.0\.0\.1:\d+ is taken: is the proxy running\?/)
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })
})
