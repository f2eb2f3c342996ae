/**
 * The operator's tool for left messages the site never took (docs/operations.md#dead-letters),
 * built to dist/proxy/dead-letters.js: `node dist/proxy/dead-letters.js list | retry [id...] |
 * erase <id...>`. It reads the proxy's own environment, so it finds the same folder or Redis
 * (run it where the proxy runs: `docker exec <container> node dist/proxy/dead-letters.js list`).
 */
import { createClient } from 'redis'
import { ConfigError, loadConfig } from './env.ts'
import { runDeadLetterCommand } from './messages-left/dead-letter-commands.ts'
import { createFolderDeadLetters } from './messages-left/dead-letters.ts'
import { defaultTimeoutMs } from './messages-left/delivery.ts'
import { createRedisDeadLetters } from './redis/dead-letters.ts'
import { defaultRedisPrefix } from './redis/keys.ts'

try {
  const config = loadConfig()
  const retentionMs = config.limits.deadLetterRetentionMs
  const client = config.redisUrl ? createClient({ url: config.redisUrl, RESP: 2 }) : null
  await client?.connect()
  const deadLetters = client
    ? createRedisDeadLetters({
        send: (args) => client.sendCommand(args),
        prefix: defaultRedisPrefix,
        retentionMs,
      })
    : createFolderDeadLetters({ dir: config.deadLetterDir, retentionMs })
  try {
    process.exitCode = await runDeadLetterCommand(process.argv.slice(2), {
      deadLetters,
      target: config.leaveMessage && { ...config.leaveMessage, timeoutMs: defaultTimeoutMs },
      print: (line) => console.log(line),
    })
  } finally {
    await client?.close()
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}
