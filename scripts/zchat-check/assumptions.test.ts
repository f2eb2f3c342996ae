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

  it('states an assumption and what depends on it for every row', () => {
    for (const id of rowIds) {
      expect(assumptions[id].assumes.length, id).toBeGreaterThan(10)
      expect(assumptions[id].dependsOn.length, id).toBeGreaterThan(10)
    }
  })
})
