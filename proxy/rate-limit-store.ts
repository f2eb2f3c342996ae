/**
 * @fastify/rate-limit's counters in a shared store, so a limit holds across every instance behind
 * the load balancer. The plugin's own `redis` option needs an ioredis client (it calls
 * `defineCommand` and passes callbacks); node-redis has neither, so this store adapts a plain
 * counting function (RedisLog.countHit) to the plugin's store interface instead.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'

/** One hit on `key` in a fixed window of `windowMs`: the hits so far and the ms left in the window. */
export type CountHit = (key: string, windowMs: number) => Promise<{ current: number; ttl: number }>

export function sharedRateLimitStore(countHit: CountHit): FastifyRateLimitStoreCtor {
  const storeFor = (prefix: string): FastifyRateLimitStore => ({
    incr(key, callback, timeWindow) {
      countHit(`${prefix}${key}`, timeWindow).then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      )
    },
    child(routeOptions) {
      // Each route with its own limit counts apart, as the plugin's stores do. The plugin passes
      // its merged settings here, the route under `routeInfo` (its types say otherwise).
      const route: unknown = Reflect.get(routeOptions, 'routeInfo')
      const method = route && typeof route === 'object' ? Reflect.get(route, 'method') : undefined
      const url = route && typeof route === 'object' ? Reflect.get(route, 'url') : undefined
      return storeFor(`${prefix}${String(method)}${String(url)}:`)
    },
  })
  return class {
    constructor() {
      // biome-ignore lint/correctness/noConstructorReturn: the plugin only calls `new` on it
      return storeFor('rl:')
    }
  } as unknown as FastifyRateLimitStoreCtor
}
