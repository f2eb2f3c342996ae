/** The processes the bench measures: the proxy (its production entry) and the baseline, each with the memory probe. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../proxy/testing/redis-server.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const probe = fileURLToPath(new URL('./probe.mjs', import.meta.url))

export type Memory = { rss: number; heapUsed: number }

export type Measured = {
  url: string
  memory(): Promise<Memory>
  /** CPU time (user + system) the process has used so far, in microseconds. */
  cpuMicros(): Promise<number>
  /** Writes a V8 heap snapshot of the process to `file` (for finding what a stream holds). */
  snapshot(file: string): Promise<void>
  stop(): Promise<void>
}

/**
 * The process's memory once its heap stops falling (by under 1% in a second), read once a second at
 * most `seconds` times: closing thousands of sockets takes a while on a busy machine.
 */
export async function settledMemory(
  target: Pick<Measured, 'memory'>,
  seconds: number,
): Promise<Memory> {
  let last = await target.memory()
  for (let tries = 0; tries < seconds; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const now = await target.memory()
    const settled = last.heapUsed - now.heapUsed < last.heapUsed * 0.01
    last = now
    if (settled) break
  }
  return last
}

function launch(entry: string, env: NodeJS.ProcessEnv, nodeFlags: string[] = []): ChildProcess {
  // BENCH_PROFILE=dir: a CPU profile of each measured process, written there when it exits.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : []
  const flags = ['--expose-gc', ...profile, ...nodeFlags, '--import', probe]
  return spawn(process.execPath, [...flags, entry], {
    cwd: root,
    env,
    // The proxy's request log goes nowhere, as it would to a log shipper that keeps up.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
}

function measured(child: ChildProcess, url: string): Measured {
  return {
    url,
    memory: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve(message as Memory))
        child.send('memory')
      }),
    cpuMicros: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { cpuMicros: number }).cpuMicros))
        child.send('cpu')
      }),
    snapshot: (file: string) =>
      new Promise<void>((resolve) => {
        child.once('message', () => resolve())
        child.send({ snapshot: file })
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
      }),
  }
}

async function waitUntilUp(url: string, child: ChildProcess) {
  for (let tries = 0; tries < 200; tries++) {
    if (child.exitCode !== null) throw new Error(`the proxy exited with ${child.exitCode}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not answer in 20 s`)
}

export const benchSecrets = {
  webhook: 'bench-webhook-secret-0123456789',
  session: 'bench-session-secret-0123456789abcdefghij',
  origin: 'http://127.0.0.1:9',
}

/** The production proxy as it ships: plain JavaScript in dist/proxy, built from this checkout. */
export function buildProxy() {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'proxy/tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
}

/**
 * The proxy from its production entry, with the per-address and per-minute limits out of the way:
 * the bench is one client machine playing thousands of visitors and zChat at once.
 */
export async function startProxy(
  zchatUrl: string,
  extra: { REDIS_URL?: string } = {},
): Promise<Measured> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  // BENCH_PROXY_ENTRY: another build of the proxy, to compare one change's before and after;
  // BENCH_PROXY_FLAGS: node's flags for it (say the image's CMD has one), the baseline's unchanged;
  // MALLOC_ARENA_MAX, as the image sets it, passed on to it alone.
  const nodeFlags = process.env.BENCH_PROXY_FLAGS?.split(' ').filter(Boolean) ?? []
  const child = launch(
    process.env.BENCH_PROXY_ENTRY ?? 'dist/proxy/main.js',
    {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      ALLOWED_ORIGINS: benchSecrets.origin,
      ALLOWED_DEPARTMENTS: '*',
      ZCHAT_API_URL: zchatUrl,
      ZCHAT_TOKEN: 'bench-token',
      ZCHAT_WEBHOOK_SECRET: benchSecrets.webhook,
      SESSION_SECRET: benchSecrets.session,
      MEDIA_DIR: `/tmp/zchat-bench-media-${process.pid}`,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      RATE_LIMIT_PER_MINUTE: '1000000',
      WEBHOOK_PER_MINUTE: '10000000',
      STARTS_PER_MINUTE: '100000',
      STARTS_PER_MINUTE_GLOBAL: '1000000',
      MAX_STREAMS: '1000000',
      MAX_STREAMS_PER_IP: '100000',
      MAX_CONNECTIONS_PER_IP: '1000000',
      MAX_CONVERSATIONS: '1000000',
      ...(process.env.MALLOC_ARENA_MAX && { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX }),
      ...extra,
    },
    nodeFlags,
  )
  // On Redis, ready means Redis answers too (the proxy starts before it and connects in the back).
  await waitUntilUp(`${url}/${extra.REDIS_URL ? 'readyz' : 'healthz'}`, child)
  return measured(child, url)
}

/** The raw node:http baseline; with `zchatUrl`, it also forwards messages there (POST /forward/<id>). */
export async function startBaseline(zchatUrl?: string): Promise<Measured> {
  const child = launch('scripts/bench/baseline.mjs', {
    PATH: process.env.PATH,
    ...(zchatUrl && { ZCHAT_API_URL: zchatUrl }),
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port))
    child.once('exit', (code) => reject(new Error(`the baseline exited with ${code}`)))
  })
  return measured(child, `http://127.0.0.1:${port}`)
}
