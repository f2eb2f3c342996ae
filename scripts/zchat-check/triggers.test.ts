import { describe, expect, it } from 'vitest'
import type { WebhookCall } from './server.ts'
import { readCall } from './triggers.ts'

const hash = 'h-123'
const runId = 'run-1'
const call = (patch: Partial<WebhookCall> & { body?: unknown }): WebhookCall => ({
  at: 0,
  method: 'POST',
  contentType: 'application/json',
  userAgent: null,
  tooLarge: false,
  text: JSON.stringify(
    patch.body ?? { interaction_hash: hash, state: 'queued', position: 1, extra: {} },
  ),
  ...patch,
})
const problem = (patch: Parameters<typeof call>[0]) => readCall(call(patch), hash, runId).problem

describe('a webhook call, read as the proxy reads it', () => {
  it('takes a documented trigger for the interaction, in any case and with a string position', () => {
    expect(readCall(call({}), hash, runId)).toMatchObject({
      ours: true,
      state: 'queued',
      problem: null,
    })
    const odd = { interaction_hash: hash, state: ' FINISHED ', position: '2', extra: [] }
    expect(readCall(call({ body: odd }), hash, runId)).toMatchObject({
      state: 'finished',
      problem: null,
    })
    expect(problem({ contentType: 'application/json; charset=UTF-8' })).toBeNull()
  })

  it('names what the proxy would refuse, and how it would answer', () => {
    expect(problem({ method: 'PUT' })).toMatch(/POST only/)
    expect(problem({ contentType: 'application/x-www-form-urlencoded' })).toMatch(/415/)
    expect(problem({ contentType: null })).toMatch(/Content-Type \(none\).*415/)
    expect(problem({ text: 'state=queued' })).toMatch(/not JSON.*400/)
    expect(problem({ tooLarge: true })).toMatch(/413/)
    expect(problem({ body: { interaction_hash: hash, state: 'transferred' } })).toMatch(
      /state "transferred" is one the proxy does not know/,
    )
    expect(problem({ body: { state: 'queued' } })).toMatch(/not a trigger the proxy reads.*400/)
  })

  it("knows this run's trigger by its extra when zChat names the interaction otherwise", () => {
    const body = {
      interaction_hash: 'other-form',
      state: 'queued',
      extra: { zchat_check_run: runId },
    }
    const read = readCall(call({ body }), hash, runId)
    expect(read).toMatchObject({ ours: true, extraEchoed: true })
    expect(read.problem).toMatch(/routes triggers by hash and would drop it/)
    const someoneElse = readCall(call({ body: { ...body, extra: {} } }), hash, runId)
    expect(someoneElse.ours).toBe(false)
  })
})
