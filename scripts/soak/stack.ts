/**
 * What the soak runs, all on loopback and all its own: Redis with its append-only file flushed every
 * second (as docs/operations.md advises), the zChat emulator in a process of its own, two instances
 * of the production entry (dist/proxy/main.js) on that Redis, and Debian's nginx with
 * docs/deploy/nginx.conf in front of both (round robin). zChat's webhook goes through nginx too, as
 * it would: the emulator trusts the soak's certificate (NODE_EXTRA_CA_CERTS).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startTestRedis, type TestRedis } from '../../proxy/testing/redis-server.ts'
import { parseCommand, parseDockerfile, parseEnv } from '../dockerfile.ts'
import { type Front, startNginx } from '../testing/reverse-proxies.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

export const soakSecrets = {
  token: 'soak-zchat-token',
  webhook: 'soak-webhook-secret-0123456789',
  session: 'soak-session-secret-0123456789abcdefghij',
  origin: 'https://shop.example',
}

/** A child process that printed `ready` on its way up; its output also goes to `logFile`. */
function launch(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  ready: RegExp,
): Promise<ChildProcess> {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const log = createWriteStream(logFile, { flags: 'a' })
  child.stdout!.pipe(log, { end: false })
  child.stderr!.pipe(log, { end: false })
  return new Promise((resolve, reject) => {
    let seen = ''
    const watch = (chunk: Buffer) => {
      // Only the first lines matter; the rest of the log goes to the file alone.
      seen = (seen + chunk).slice(-4096)
      if (!ready.test(seen)) return
      child.stdout!.off('data', watch)
      resolve(child)
    }
    child.stdout!.on('data', watch)
    child.once('exit', (code, signal) => {
      reject(
        new Error(
          `${args.join(' ')} exited (${code ?? signal}) before it was ready; see ${logFile}`,
        ),
      )
    })
  })
}

/** Resolves once `child` has exited (at once if it has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

export type Instance = {
  name: string
  port: number
  child: ChildProcess
  /** When this process started (ms, performance.now()), for its RSS series. */
  startedAt: number
  /** Its resident set size now, in bytes, as the kernel counts it (between the collections of `afterCollection`): 0 once gone. */
  rss(): number
  /** Where it writes its memory right after a full collection, every 10 s (`afterCollection`). */
  memoryFile: string
  /** CPU seconds it has used so far. */
  cpu(): number
}

/** User + system CPU time a process has used, in seconds (0 once it is gone). */
export function cpuSeconds(pid: number | undefined): number {
  try {
    // After the command's closing parenthesis: state is field 3; utime and stime are 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

function readRss(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]
    return kb ? Number(kb) * 1024 : 0
  } catch {
    return 0
  }
}

/**
 * Loaded into each instance (`--expose-gc --import` this): every 10 s a full collection, then the
 * process's RSS and used heap, a line to SOAK_MEMORY_FILE. The kernel's RSS alone follows the
 * collector's sawtooth (tens of MB over minutes); what a collection leaves is what is held.
 */
const afterCollection = `data:text/javascript,${encodeURIComponent(`
import { appendFileSync, readFileSync } from 'node:fs'
// The kernel's split of RSS: anonymous memory (what the process allocated) and file pages (node's
// own binary and ICU data, read in as code paths first run: shared, and dropped under pressure).
const kB = (status, name) => {
  const at = status.indexOf(name + ':')
  return at < 0 ? 0 : Number.parseInt(status.slice(at + name.length + 1).trim(), 10) * 1024
}
setInterval(() => {
  globalThis.gc()
  const m = process.memoryUsage()
  const status = readFileSync('/proc/self/status', 'utf8')
  const line = [Date.now(), m.rss, m.heapUsed, m.heapTotal, m.external, m.arrayBuffers, kB(status, 'RssAnon'), kB(status, 'RssFile')]
  appendFileSync(process.env.SOAK_MEMORY_FILE, line.join(' ') + '\\n')
}, 10000).unref()
`)}`

/** One line of an instance's `memoryFile`: when (ms since the epoch), then bytes. */
export type Collected = {
  at: number
  rss: number
  heap: number
  heapTotal: number
  external: number
  arrayBuffers: number
  /** The kernel's split of RSS (0 in files written before it was added). */
  rssAnon: number
  rssFile: number
}

/** What an instance's `memoryFile` holds. */
export function readCollected(file: string): Collected[] {
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch {}
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, rss, heap, heapTotal, external, arrayBuffers, rssAnon, rssFile] = line
        .split(' ')
        .map(Number)
      return {
        at: at!,
        rss: rss!,
        heap: heap!,
        heapTotal: heapTotal ?? 0,
        external: external ?? 0,
        arrayBuffers: arrayBuffers ?? 0,
        rssAnon: rssAnon ?? 0,
        rssFile: rssFile ?? 0,
      }
    })
}

/**
 * How the image runs the proxy (the Dockerfile's last stage): its ENV (NODE_ENV, NODE_OPTIONS, the
 * allocator's settings; HOST and PORT are this stack's own), and the flags its CMD gives node before
 * the entry. The instances run so, V8 sized as in production.
 */
function asTheImageRuns(): { env: Record<string, string>; nodeFlags: string[] } {
  const dockerfile = readFileSync(
    fileURLToPath(new URL('../../Dockerfile', import.meta.url)),
    'utf8',
  )
  const runtime = parseDockerfile(dockerfile).at(-1)!
  const env: Record<string, string> = Object.assign(
    {},
    ...runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => parseEnv(i.args)),
  )
  const cmd = parseCommand(runtime.instructions.findLast((i) => i.keyword === 'CMD')!.args)
  const entry = cmd.indexOf('dist/proxy/main.js')
  if (cmd[0] !== 'node' || entry < 0) throw new Error(`the image's CMD is not node …: ${cmd}`)
  return { env, nodeFlags: cmd.slice(1, entry) }
}

export type Stack = {
  dir: string
  redis: TestRedis
  emulatorUrl: string
  emulatorPid: number | undefined
  front: Front
  instances: Instance[]
  /** SIGKILL, then the same instance again on its port; resolves once it listens. */
  killAndRestart(index: number): Promise<void>
  close(): Promise<void>
}

export async function startStack(dir: string): Promise<Stack> {
  mkdirSync(join(dir, 'media'), { recursive: true })
  // Loading minutes of append-only file takes a while when the machine is busy.
  const redis = await startTestRedis({ dir, fsync: 'everysec', startTimeoutMs: 180_000 })
  const ports = [await freePort(), await freePort()]
  const front = await startNginx({ upstreams: ports, workers: 'auto', workerConnections: 4096 })

  const emulatorPort = await freePort()
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`
  const emulator = await launch(
    process.execPath,
    ['--import', 'tsx', 'emulator/main.ts'],
    {
      PATH: process.env.PATH ?? '',
      EMULATOR_PORT: String(emulatorPort),
      ZCHAT_TOKEN: soakSecrets.token,
      ZCHAT_WEBHOOK_URL: `https://127.0.0.1:${front.port}/webhooks/zchat/${soakSecrets.webhook}`,
      NODE_EXTRA_CA_CERTS: front.certificate.cert,
    },
    join(dir, 'emulator.log'),
    /Webhook URL/,
  )

  // V8 sized as the image sizes it, then this stack's own settings.
  const image = asTheImageRuns()
  const env = (port: number): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? '',
    ...image.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `https://127.0.0.1:${front.port}`,
    ALLOWED_ORIGINS: soakSecrets.origin,
    ALLOWED_DEPARTMENTS: '1,2,3',
    ZCHAT_API_URL: `${emulatorUrl}/core/api/v1`,
    ZCHAT_TOKEN: soakSecrets.token,
    ZCHAT_WEBHOOK_SECRET: soakSecrets.webhook,
    SESSION_SECRET: soakSecrets.session,
    MEDIA_DIR: join(dir, 'media'),
    REDIS_URL: redis.url,
    // nginx in front: docs/deploy/nginx.conf says so. Every other limit is the default.
    TRUST_PROXY: '1',
    LOG_LEVEL: 'info',
  })
  const start = async (index: number): Promise<Instance> => {
    const port = ports[index]!
    const name = index === 0 ? 'A' : 'B'
    const startedAt = performance.now()
    const memoryFile = join(dir, `memory-${name}-${Date.now()}.txt`)
    const child = await launch(
      process.execPath,
      [...image.nodeFlags, '--expose-gc', '--import', afterCollection, 'dist/proxy/main.js'],
      { ...env(port), SOAK_MEMORY_FILE: memoryFile },
      join(dir, `instance-${name}.log`),
      /Server listening at/,
    )
    return {
      name,
      port,
      child,
      startedAt,
      rss: () => readRss(child.pid),
      memoryFile,
      cpu: () => cpuSeconds(child.pid),
    }
  }
  const instances = [await start(0), await start(1)]

  return {
    dir,
    redis,
    emulatorUrl,
    emulatorPid: emulator.pid,
    front,
    instances,
    async killAndRestart(index) {
      const old = instances[index]!
      old.child.kill('SIGKILL')
      await exited(old.child)
      instances[index] = await start(index)
    },
    async close() {
      for (const instance of instances) {
        instance.child.kill('SIGTERM')
        await exited(instance.child)
      }
      emulator.kill('SIGTERM')
      await exited(emulator)
      await front.stop()
      await redis.stop()
    },
  }
}

const field = (info: string, name: string) =>
  Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN)

/** Redis's INFO memory over a plain connection: `used_memory` and `used_memory_rss`, in bytes. */
export async function redisMemory(client: {
  info(section: string): Promise<string>
}): Promise<{ used: number; rss: number }> {
  const info = await client.info('memory')
  return { used: field(info, 'used_memory'), rss: field(info, 'used_memory_rss') }
}
