/**
 * A real redis-server (testing/redis-server.ts) for a whole Vitest file. Apart from testing/redis-server.ts because
 * that one is loaded by Playwright specs and scripts too, where Vitest's hooks must not be.
 */
import { afterAll, beforeAll } from 'vitest'
import { startTestRedis, type TestRedis } from './redis-server.ts'

/** Started before the file's first test, stopped after its last; read it inside tests and hooks. */
export function useTestRedis(): TestRedis {
  let redis: TestRedis | undefined
  beforeAll(async () => {
    redis = await startTestRedis()
  })
  afterAll(async () => {
    redis?.resume()
    await redis?.stop()
  })
  const started = () => {
    if (!redis)
      throw new Error('the test redis-server is not started yet: read it inside a test or hook')
    return redis
  }
  return {
    get url() {
      return started().url
    },
    get port() {
      return started().port
    },
    stop: () => started().stop(),
    start: () => started().start(),
    pause: () => started().pause(),
    resume: () => started().resume(),
  }
}
