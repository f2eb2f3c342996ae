/**
 * The check against the emulator as zChat, over loopback: every row matches when zChat does what
 * the proxy assumes, and each fault that contradicts an assumption fails the check on its row.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../emulator/server.ts'
import { freePort } from '../../proxy/testing/redis-server.ts'
import { type RowId, rowIds } from './assumptions.ts'
import { type Report, runCheck } from './checks.ts'
import { prepareRun } from './run.ts'
import { startCheckServer } from './server.ts'
import type { CheckSettings } from './settings.ts'

const token = 'check-test-token'
const secret = 'check-test-webhook-secret'
let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ token, departments: [1, 2] })
})
afterAll(async () => {
  await emulator.close()
})

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}/control${path}`, {
    method,
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  })
  expect(response.ok, `${method} /control${path}`).toBe(true)
  return response.json() as Promise<Record<string, unknown>>
}

type Options = {
  faults?: Record<string, unknown>
  settings?: Partial<CheckSettings>
  /** The webhook secret zChat's admin holds, when not the right one. */
  adminSecret?: string
  /** Called once the check's server listens, before the run. */
  beforeRun?: (serverUrl: string) => void
  /** Called while the check's server still answers, with the report and its URL. */
  inspect?: (report: Report, serverUrl: string) => Promise<void>
}

/** One run of the check, with the emulator reset and given `faults`. */
async function check({ faults, settings, adminSecret = secret, beforeRun, inspect }: Options = {}) {
  await control('POST', '/reset')
  if (faults) await control('POST', '/faults', faults)
  const run = prepareRun({ historyTimeZone: 'UTC' })
  const server = await startCheckServer({ host: '127.0.0.1', port: 0, secret, served: run.served })
  emulator.setWebhookUrl(`${server.url}/webhooks/zchat/${adminSecret}`)
  beforeRun?.(server.url)
  try {
    const report = await runCheck(
      {
        apiUrl: emulator.apiUrl,
        token,
        updateToken: token,
        separateUpdateToken: false,
        webhookSecret: secret,
        publicUrl: server.url,
        host: '127.0.0.1',
        port: Number(new URL(server.url).port),
        timeoutMs: 10_000,
        historyTimeZone: 'UTC',
        department: 1,
        tagIds: [],
        // Only what never comes is waited for this long: generous, for a busy machine.
        waitMs: 5000,
        json: false,
        ...settings,
      },
      run,
      server,
    )
    await inspect?.(report, server.url)
    return report
  } finally {
    await server.close()
  }
}

const failing = (report: Report) =>
  report.rows.filter((row) => row.verdict !== 'match').map((row) => row.id)
const rowOf = (report: Report, id: RowId) => report.rows.find((row) => row.id === id)!

describe('zchat:check against the emulator', () => {
  it('matches on every row when zChat does what the proxy assumes', async () => {
    const report = await check({
      settings: { tagIds: ['10', '11'] },
      async inspect(report, serverUrl) {
        // zChat got what the check sent, and can GET every URL it was given.
        const interaction = await control('GET', `/interactions/${report.interactionHash}`)
        expect(interaction).toMatchObject({
          state: 'finished',
          departmentId: 1,
          customer: { name: 'zchat:check' },
          extra: { zchat_check: true },
          tagIds: ['10', '11'],
          mood: 'POSITIVE',
          externalHistory: { messages: [{ direction: 'CLIENT' }, { direction: 'AGENT' }] },
        })
        const messages = interaction.messages as { type: string; url: string | null }[]
        expect(messages.map((m) => m.type)).toEqual(['text', 'image', 'video', 'audio', 'file'])
        const types = await Promise.all(
          messages.slice(1).map(async (m) => {
            expect(m.url?.startsWith(`${serverUrl}/media/`)).toBe(true)
            const response = await fetch(m.url!)
            await response.arrayBuffer()
            return response.headers.get('content-type')
          }),
        )
        expect(types).toEqual(['image/png', 'video/mp4', 'audio/mpeg', 'application/pdf'])
      },
    })
    expect(failing(report)).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.rows.map((row) => row.id)).toEqual(rowIds.filter((id) => id !== 'trigger-other'))
    expect(rowOf(report, 'trigger-queued').seen).toMatch(
      /^POST queued position 1 after .*extra echoed/,
    )
    expect(rowOf(report, 'trigger-finished').seen).toMatch(/^POST finished/)
    expect(rowOf(report, 'history-fetch').seen).toMatch(/^GET after/)
    expect(rowOf(report, 'message-after-finish').status).toBe(422)
    expect(rowOf(report, 'cleared-after-finish').status).toBe(422)
    expect(rowOf(report, 'unknown-interaction').status).toBe(404)
  })

  it('fails on update-after-finish when zChat refuses the rating after finish', async () => {
    const report = await check({ faults: { updatesAfterFinish: 'refuse' } })
    expect(report.ok).toBe(false)
    expect(failing(report)).toEqual(['update-after-finish'])
    expect(rowOf(report, 'update-after-finish')).toMatchObject({ verdict: 'mismatch', status: 422 })
  })

  it('fails on message-image alone when zChat refuses image messages', async () => {
    const report = await check({ faults: { refuseMessageTypes: ['image'] } })
    expect(failing(report)).toEqual(['message-image'])
    expect(rowOf(report, 'message-image').detail).toMatch(
      /^refused with 422: "Cannot send a message of type image"/,
    )
  })

  it('fails on the calls after finish when zChat takes them as if the interaction were open', async () => {
    const report = await check({ faults: { endedStatus: 200 } })
    expect(failing(report)).toEqual(['message-after-finish', 'cleared-after-finish'])
    expect(rowOf(report, 'cleared-after-finish').detail).toMatch(/^accepted after finish/)
  })

  it('still matches when zChat refuses calls after finish with 400 or 404', async () => {
    for (const endedStatus of [400, 404]) {
      const report = await check({ faults: { endedStatus } })
      expect(failing(report), `endedStatus ${endedStatus}`).toEqual([])
      expect(rowOf(report, 'cleared-after-finish').status).toBe(endedStatus)
    }
  })

  it('still matches when an unknown interaction is answered 422 instead of 404', async () => {
    const report = await check({ faults: { unknownAs422: true } })
    expect(failing(report)).toEqual([])
    expect(rowOf(report, 'unknown-interaction').status).toBe(422)
  })

  it('fails on start when zChat answers 500, and says what it could not check', async () => {
    const report = await check({ faults: { failNext: { status: 500, count: 1 } } })
    expect(rowOf(report, 'start')).toMatchObject({ verdict: 'mismatch', status: 500 })
    expect(rowOf(report, 'start').detail).toMatch(/^refused with 500.*zChat failed/)
    expect(rowOf(report, 'message-text')).toMatchObject({ verdict: 'skipped', seen: 'not called' })
    // What needs no interaction is still checked.
    expect(rowOf(report, 'unknown-interaction').verdict).toBe('match')
    expect(rowOf(report, 'error-shape').verdict).toBe('match')
    expect(failing(report)).toContain('start')
  })

  it('fails on start when zChat answers HTTP 200 with an error status in the body', async () => {
    const report = await check({ faults: { failNext: { status: 422, count: 1, as: 'body' } } })
    expect(rowOf(report, 'start')).toMatchObject({ verdict: 'mismatch', status: 200 })
    expect(rowOf(report, 'start').detail).toMatch(
      /^refused with 422 \(in the body of an HTTP 2xx\)/,
    )
  })

  it('fails on start when zChat answers garbage, as a row and not a crash', async () => {
    const report = await check({ faults: { garbageNext: 1 } })
    expect(rowOf(report, 'start')).toMatchObject({ verdict: 'mismatch', status: 200 })
    expect(rowOf(report, 'start').seen).toMatch(/^HTTP 200 <html>/)
    expect(rowOf(report, 'start').detail).toMatch(/not JSON.*502 UPSTREAM_ERROR/)
  })

  it('says so when zChat does not answer in time, or cannot be reached', async () => {
    const slow = await check({ faults: { latencyMs: 1000 }, settings: { timeoutMs: 200 } })
    expect(rowOf(slow, 'start')).toMatchObject({
      verdict: 'mismatch',
      seen: 'no answer within 200 ms',
    })
    expect(rowOf(slow, 'unknown-interaction').verdict).toBe('mismatch')

    const port = await freePort()
    const nowhere = await check({ settings: { apiUrl: `http://127.0.0.1:${port}/core/api/v1` } })
    expect(rowOf(nowhere, 'start').seen).toMatch(/^not reached: ECONNREFUSED/)
    expect(rowOf(nowhere, 'start').detail).toMatch(/check ZCHAT_API_URL/)
  })

  it('says where to look when no trigger reaches the webhook', async () => {
    const report = await check({
      adminSecret: 'an-old-secret-from-before',
      settings: { waitMs: 1000 },
    })
    const queued = rowOf(report, 'trigger-queued')
    expect(queued).toMatchObject({ verdict: 'not-seen', seen: 'nothing within 1.0 s' })
    expect(queued.detail).toMatch(/came to \/webhooks\/zchat\/ with another secret/)
    expect(queued.detail).toContain(`/webhooks/zchat/che…(${secret.length} characters)`)
    expect(queued.detail).toMatch(/reachable from the internet/)
    expect(queued.detail).not.toContain(secret)
    // No finished trigger either: the proxy does without it.
    expect(rowOf(report, 'trigger-finished').verdict).toBe('match')
    expect(failing(report)).toEqual(['trigger-queued'])
  })
})

describe('zchat:check when zChat sends what the proxy reads liberally', () => {
  it('matches with triggers in odd spellings and sent twice', async () => {
    const report = await check({ faults: { oddTriggers: true, duplicateWebhooks: true } })
    expect(failing(report)).toEqual([])
    expect(rowOf(report, 'trigger-queued').seen).toMatch(/^POST queued position 1 /)
    expect(rowOf(report, 'trigger-finished').detail).toMatch(/2 finished triggers/)
  })
})

describe('zchat:check when no agent is available', () => {
  it('skips what the proxy would not send after unavailable, and says what to do', async () => {
    // Between the emulator and the check: the queued trigger is swallowed and the interaction
    // made unavailable at once, as zChat does for a department with no agent online.
    let checkWebhook = ''
    const relay = createServer((req, res) => {
      let text = ''
      req.on('data', (chunk: Buffer) => {
        text += chunk.toString()
      })
      req.on('end', () => {
        res.writeHead(200).end()
        const body = JSON.parse(text) as { interaction_hash: string; state?: string }
        if (body.state === 'queued')
          void control('POST', `/interactions/${body.interaction_hash}/unavailable`)
        else
          void fetch(checkWebhook, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: text,
          })
      })
    })
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
    const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`
    try {
      const report = await check({
        adminSecret: secret,
        beforeRun(serverUrl) {
          checkWebhook = `${serverUrl}/webhooks/zchat/${secret}`
          emulator.setWebhookUrl(relayUrl)
        },
      })
      expect(rowOf(report, 'trigger-queued').seen).toMatch(/^POST unavailable/)
      expect(rowOf(report, 'trigger-queued').verdict).toBe('match')
      for (const id of ['message-text', 'finish', 'update-after-finish'] as const) {
        expect(rowOf(report, id)).toMatchObject({ verdict: 'skipped' })
        expect(rowOf(report, id).detail).toMatch(/no agent available in department 1.*--department/)
      }
      expect(report.ok).toBe(false)
    } finally {
      relay.closeAllConnections()
      await new Promise((resolve) => relay.close(resolve))
    }
  })
})
