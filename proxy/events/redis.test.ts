import { afterAll, beforeAll, beforeEach } from 'vitest'
import { describeEventLog } from './contract.ts'
import { createRedisLog } from './redis.ts'
import { startTestRedis, type TestRedis } from './redis-testing.ts'

let redis: TestRedis
let test = 0
beforeAll(async () => {
  redis = await startTestRedis()
})
afterAll(async () => {
  await redis?.stop()
})
// Each test its own key prefix: a clean store without restarting the server.
beforeEach(() => {
  test++
})

describeEventLog('redis', async ({ sameStore: _, ...options }) => {
  const log = createRedisLog({ url: redis.url, prefix: `t${test}:`, ...options })
  await log.relayReady()
  return log
})
