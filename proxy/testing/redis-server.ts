/**
 * A real `redis-server` for tests: started on a free port with no persistence, stopped (or
 * restarted, on the same port, to play an outage) by the test. Debian's `redis-server` package;
 * `.ci/run` installs it when missing.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

export type TestRedis = {
  url: string
  port: number
  /** Stops the server (SIGKILL: an outage, not a tidy shutdown). */
  stop(): Promise<void>
  /** Starts it again on the same port, empty unless `dir` persistence was asked for. */
  start(): Promise<void>
  /** Freezes the server (SIGSTOP): connections stay open and nothing is answered, as a hung Redis. */
  pause(): void
  /** Lets a paused server go on (SIGCONT). */
  resume(): void
}

/** A port nothing listens on now (the bench's processes take theirs from here too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = address && typeof address === 'object' ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))))
    })
  })
}

function launch(
  port: number,
  dir: string | undefined,
  fsync: Fsync,
  startTimeoutMs: number,
): Promise<ChildProcess> {
  const persistence = dir
    ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', '']
    : ['--save', '', '--appendonly', 'no']
  const child = spawn(
    process.env.REDIS_SERVER_PATH ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', ...persistence],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start on port ${port}:\n${output}`))
    }, startTimeoutMs)
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve(child)
      }
    })
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}):\n${output}`))
    })
  })
}

/** How often the append-only file is flushed to disk: `everysec` is what docs/operations.md advises. */
type Fsync = 'always' | 'everysec'

/**
 * `dir`: keep an append-only file there, so a restart keeps the data (as production should), each
 * write flushed (`always`, the default) or once a second (`everysec`). `startTimeoutMs`: how long
 * a start may take (a long append-only file loads for a while on a busy machine).
 */
export async function startTestRedis({
  dir,
  fsync = 'always',
  startTimeoutMs = 10_000,
}: {
  dir?: string
  fsync?: Fsync
  startTimeoutMs?: number
} = {}): Promise<TestRedis> {
  const port = await freePort()
  let child: ChildProcess | null = await launch(port, dir, fsync, startTimeoutMs)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      const running = child
      child = null
      if (!running || running.exitCode !== null) return
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGKILL')
      await exited
    },
    async start() {
      if (!child) child = await launch(port, dir, fsync, startTimeoutMs)
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  }
}
