import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isRefusal } from '../../proxy/routes/upstream.ts'
import { ZChatHttpError } from '../../proxy/zchat/client.ts'
import { assumptions, refusalStatuses, rowIds } from './assumptions.ts'

describe("the check's assumptions are the proxy's", () => {
  it('reads as a refusal exactly the statuses the proxy reads so', () => {
    // Should the proxy's handling of refusals change, this fails: the check must say the same.
    for (let status = 400; status < 600; status++) {
      const error = new ZChatHttpError(status, 'refused', 'POST', '/interactions/h/messages')
      expect(refusalStatuses.includes(status), `status ${status}`).toBe(isRefusal(error))
    }
  })

  it('has a row in docs/zchat/assumptions.md for every answer it asks zChat for, and no other', () => {
    const table = readFileSync(new URL('../../docs/zchat/assumptions.md', import.meta.url), 'utf8')
    const named = table
      .split('\n')
      .filter((line) => /^\| \d+ /.test(line))
      // The check column, without what is in brackets (examples, not row ids).
      .flatMap((line) => [
        ...(line.split(' | ')[4] ?? '').replace(/\([^)]*\)/g, '').matchAll(/`([^`]+)`/g),
      ])
      .map((match) => match[1])
    expect(new Set(named)).toEqual(new Set(rowIds.filter((id) => id !== 'trigger-other')))
  })

  it('states an assumption and what depends on it for every row', () => {
    for (const id of rowIds) {
      expect(assumptions[id].assumes.length, id).toBeGreaterThan(10)
      expect(assumptions[id].dependsOn.length, id).toBeGreaterThan(10)
    }
  })
})
