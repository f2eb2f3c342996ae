/**
 * The Redis under the proxy's second run (REDIS_URL): a database of the bench's own, empty before
 * and after so that earlier data does not skew the figures, and Redis's own CPU time (INFO cpu).
 * The server is the user's: the bench never stops it.
 */
import { createClient } from 'redis'

export type BenchRedis = {
  /** REDIS_URL with the bench's database in its path, for the proxy. */
  url: string
  db: number
  version: string
  /** CPU time (user + system) the Redis server has used so far, in microseconds: every client's. */
  cpuMicros(): Promise<number>
  /** Empties the bench's database again and disconnects; the server keeps running. */
  close(): Promise<void>
}

const field = (info: string, name: string) =>
  new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? ''

/**
 * The database named in the URL's path (`redis://host:6379/3`) if there is one, emptied: the user
 * chose it. Otherwise the highest-numbered empty one of 1-15, so that the user's data in database 0
 * (where a bare REDIS_URL points) is never flushed.
 */
export async function openBenchRedis(url: string): Promise<BenchRedis> {
  const client = createClient({ url, RESP: 2 })
  client.on('error', () => {})
  await client.connect()
  const named = new URL(url).pathname.replace(/^\//, '')
  let db = -1
  if (named) {
    db = Number(named)
  } else {
    for (let candidate = 15; candidate >= 1 && db < 0; candidate--) {
      try {
        await client.select(candidate)
      } catch {
        continue // the server has fewer databases ("databases" in redis.conf)
      }
      if ((await client.dbSize()) === 0) db = candidate
    }
    if (db < 0) {
      await client.destroy()
      throw new Error(
        `${new URL(url).host}: no empty database in 1-15 for the bench; name one to be flushed, e.g. REDIS_URL=redis://host:6379/15`,
      )
    }
  }
  await client.select(db)
  await client.flushDb()
  const withDb = new URL(url)
  withDb.pathname = `/${db}`
  const version = field(await client.info('server'), 'redis_version')
  return {
    url: withDb.toString(),
    db,
    version,
    async cpuMicros() {
      const info = await client.info('cpu')
      return (Number(field(info, 'used_cpu_user')) + Number(field(info, 'used_cpu_sys'))) * 1e6
    },
    async close() {
      await client.flushDb()
      await client.destroy()
    },
  }
}
