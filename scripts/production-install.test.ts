/**
 * The Docker image, replayed without Docker (CI has no daemon): the build stage from the Docker
 * context (what .dockerignore lets through), then the runtime stage in a clean directory, step by
 * step as the Dockerfile says, then its CMD with production settings. It fails on what an image
 * would: a devDependency the compiled proxy imports, a dependency package.json lacks, a file the
 * build needs left out of the context, a CMD or health check that does not match the server.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { optionalSettings } from '../proxy/env.ts'
import { copyContext, type Image, local, type Runner, replay } from './docker-replay.ts'
import { parseDockerfile, readDockerignore } from './dockerfile.ts'

const repo = fileURLToPath(new URL('..', import.meta.url))
const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'))
const ignored = readDockerignore(readFileSync(join(repo, '.dockerignore'), 'utf8'))

/** What a step sees of this machine: this Node, HOME (npm's cache and config), the registry settings. */
const machineEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        /^(HOME|TMPDIR|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY|npm_config_(cache|registry|userconfig))$/.test(
          entry[0],
        ) && entry[1] !== undefined,
    ),
  ),
  PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
}

const exec = promisify(execFile)
const runStep = (argv: string[], image: Image) =>
  exec(argv[0]!, argv.slice(1), {
    cwd: image.dir,
    env: { ...machineEnv, ...image.env },
    timeout: 150_000,
    maxBuffer: 16 * 1024 * 1024,
  })

const isNpmCi = (argv: string[]) => argv[0] === 'npm' && argv[1] === 'ci'

/** Build stages: the full install is what this project's own `npm ci` made; link it, then build. */
const runBuildStep: Runner = async (argv, image) => {
  if (isNpmCi(argv))
    return symlinkSync(join(repo, 'node_modules'), join(image.dir, 'node_modules'), 'dir')
  if (argv.join(' ') === 'npm run build') return runStep(argv, image)
  throw new Error(`the replay of a build stage cannot run ${argv.join(' ')}`)
}

/** The runtime stage: its npm ci for real, from the npm cache the project's own install warmed. */
const runRuntimeStep: Runner = async (argv, image) => {
  if (isNpmCi(argv)) {
    const offline = ['--prefer-offline', '--no-audit', '--no-fund'].filter((f) => !argv.includes(f))
    return runStep([...argv, ...offline], image)
  }
  // It would empty this machine's npm cache; it changes nothing the image runs.
  if (argv.join(' ') === 'npm cache clean --force') return
  if (argv[0] === 'mkdir' && argv[1] === '-p' && argv.length > 2) {
    for (const path of argv.slice(2)) mkdirSync(local(image, path), { recursive: true })
    return
  }
  // This machine's users are not the image's: record the owner for the test to check.
  if (argv[0] === 'chown' && argv.length > 2 && !argv[1]!.startsWith('-')) {
    for (const path of argv.slice(2)) {
      if (!existsSync(local(image, path))) throw new Error(`chown: ${path} does not exist`)
      image.owners[posix.resolve(image.workdir, path)] = argv[1]!
    }
    return
  }
  throw new Error(`the replay of the runtime stage cannot run ${argv.join(' ')}`)
}

type Proc = {
  child: ChildProcess
  stdout: string
  stderr: string
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children: ChildProcess[] = []

function start(argv: string[], cwd: string, env: Record<string, string>): Proc {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  const proc: Proc = {
    child,
    stdout: '',
    stderr: '',
    closed: new Promise((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    ),
  }
  child.stdout!.on('data', (chunk: Buffer) => {
    proc.stdout += chunk
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    proc.stderr += chunk
  })
  return proc
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/** Resolves on the first stdout match; fails if the process ends first. */
function waitForOutput(proc: Proc, pattern: RegExp, ms: number) {
  const seen = new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(proc.stdout)
      if (match) resolve(match)
    }
    proc.child.stdout!.on('data', check)
    proc.closed.then(() =>
      reject(new Error(`exited before printing ${pattern}:\n${proc.stdout}${proc.stderr}`)),
    )
    check()
  })
  return within(seen, ms, `waiting for ${pattern}`)
}

let scratch = ''
let runtime: Image
let runtimeEnv: Record<string, string>

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'zchat-image-'))
  const context = join(scratch, 'context')
  copyContext(repo, context, ignored)
  const built = new Map<string, Image>()
  for (const [index, stage] of stages.entries()) {
    const last = index === stages.length - 1
    const image = await replay(
      stage,
      join(scratch, `stage-${index}`),
      context,
      built,
      last ? runRuntimeStep : runBuildStep,
    )
    if (stage.name) built.set(stage.name, image)
    if (last) runtime = image
  }
  // As `docker run` sees it: the image's ENV over the container's bare environment.
  runtimeEnv = { PATH: machineEnv.PATH, HOME: scratch, ...runtime.env }
}, 240_000)

// Deleting the installs (tens of thousands of files) takes over the default 10 s on a loaded
// machine: bounded like the install above, by the work, not by a guess at the machine's speed.
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  if (scratch) rmSync(scratch, { recursive: true, force: true })
}, 120_000)

/** Every setting production needs, the image's environment under them. */
const productionEnv = (): Record<string, string> => ({
  ...runtimeEnv,
  // Loopback and any free port on this machine (the image listens on 0.0.0.0:8787).
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'info',
  ZCHAT_API_URL: 'http://127.0.0.1:9/core/api/v1',
  ZCHAT_TOKEN: randomBytes(16).toString('hex'),
  ZCHAT_WEBHOOK_SECRET: randomBytes(24).toString('base64url'),
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  PUBLIC_URL: 'https://chat.example.com',
  ALLOWED_ORIGINS: 'https://shop.example.com',
  ALLOWED_DEPARTMENTS: '1,2',
})

describe('the Docker image', () => {
  it('is Node 20 (>= 20.19), runs as a user other than root and checks its health on /healthz', () => {
    for (const { image } of stages) {
      const [, minor] =
        /^node:20(?:\.(\d+))?(?:\.\d+)?(?:-[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(image) ?? []
      expect(image, 'a Node 20 image').toMatch(/^node:20\b/)
      if (minor !== undefined) expect(Number(minor), image).toBeGreaterThanOrEqual(19)
    }
    expect(runtime.user).toBeTruthy()
    expect(runtime.user).not.toMatch(/^(root|0)(:|$)/)
    expect(runtime.healthcheck?.join(' ')).toContain('/healthz')
    expect(runtime.env.NODE_ENV).toBe('production')
    expect(runtime.exposed).toContain(runtime.env.PORT)
    expect(runtime.cmd).not.toBeNull()
  })

  it('gives the runtime user a volume for visitors’ uploads, where MEDIA_DIR points by default', () => {
    // MEDIA_DIR's default, `.media`, is relative to the working directory.
    const mediaDir = posix.resolve(runtime.workdir, runtime.env.MEDIA_DIR ?? '.media')
    expect(runtime.volumes).toContain(mediaDir)
    expect(existsSync(local(runtime, mediaDir))).toBe(true)
    const [owner] = (runtime.owners[mediaDir] ?? '').split(':')
    expect(owner).toBe(runtime.user)
    // Uploads made on this machine never reach an image.
    expect(ignored('.media')).toBe(true)
  })

  it('gives the runtime user a volume for dead letters, where LEAVE_MESSAGE_DEAD_LETTER_DIR points by default', () => {
    const deadLetterDir = posix.resolve(
      runtime.workdir,
      runtime.env.LEAVE_MESSAGE_DEAD_LETTER_DIR ??
        optionalSettings.LEAVE_MESSAGE_DEAD_LETTER_DIR.default,
    )
    expect(runtime.volumes).toContain(deadLetterDir)
    expect(existsSync(local(runtime, deadLetterDir))).toBe(true)
    const [owner] = (runtime.owners[deadLetterDir] ?? '').split(':')
    expect(owner).toBe(runtime.user)
    // Visitors' messages kept on this machine never reach an image.
    expect(ignored('.dead-letters')).toBe(true)
  })

  it('leaves secrets and this machine’s installs out of the build context', () => {
    for (const path of ['.env', '.env.production', 'node_modules', 'dist', '.git'])
      expect(ignored(path), path).toBe(true)
  })

  it('installs every dependency and nothing only the build or the tests need', () => {
    const pkg = JSON.parse(readFileSync(join(runtime.dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    const lock = JSON.parse(readFileSync(join(runtime.dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>
    }
    const installed = (path: string) => existsSync(join(runtime.dir, path, 'package.json'))
    const missing = Object.keys(pkg.dependencies).filter(
      (name) => !installed(`node_modules/${name}`),
    )
    expect(missing, 'dependencies missing').toEqual([])
    const devDependencies = Object.keys(pkg.devDependencies)
    expect(devDependencies.filter((name) => installed(`node_modules/${name}`))).toEqual([])
    // Their own dependencies too (vite's rolldown, vitest's chai...).
    const devOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.dev)
      .map(([path]) => path)
    expect(devOnly.length).toBeGreaterThan(devDependencies.length)
    expect(devOnly.filter(installed)).toEqual([])
  })

  it('ships only what production runs: every file under dist/ imports with the production install', async () => {
    const shipped = readdirSync(join(runtime.dir, 'dist'), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.js') && !path.startsWith('widget'))
      .sort()
    // The entries run when imported (the proxy, the operator's dead-letters tool): skipped below.
    const entries = [join('proxy', 'main.js'), join('proxy', 'dead-letters.js')]
    for (const entry of entries) expect(shipped).toContain(entry)
    // Test suites and test helpers (testing/ folders) never reach the build.
    expect(shipped.filter((path) => /\.test\.js$|(^|\/)testing\//.test(path))).toEqual([])
    // Each file on its own, in a process of the image's: a devDependency one of them imports is not
    // installed there, and its import fails.
    const script = [
      'const [files, entries] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])]',
      'const failed = []',
      'for (const file of files) {',
      "  const url = new URL(file, 'file://' + process.cwd() + '/dist/')",
      '  if (entries.includes(file)) continue',
      '  await import(url.href).catch((error) => failed.push(file + ": " + error.message))',
      '}',
      'console.log(JSON.stringify(failed))',
    ].join('\n')
    const { stdout } = await exec(
      process.execPath,
      ['--input-type=module', '-e', script, JSON.stringify(shipped), JSON.stringify(entries)],
      { cwd: runtime.dir, env: runtimeEnv },
    )
    expect(JSON.parse(stdout)).toEqual([])
  }, 60_000)

  it('serves health, readiness and the widget, and exits 0 on its stop signal', async () => {
    const cmd = runtime.cmd!
    const env = productionEnv()
    const server = start(cmd, runtime.dir, env)
    const [, url = ''] = await waitForOutput(
      server,
      /"msg":"Server listening at (http:[^"]+)"/,
      15_000,
    )

    const health = await fetch(`${url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ ok: true })
    const ready = await fetch(`${url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ ready: true })
    const widget = await fetch(`${url}/widget.js`)
    expect(widget.status).toBe(200)
    expect(widget.headers.get('content-type')).toMatch(/javascript/)
    expect(await widget.text()).toBe(
      readFileSync(join(runtime.dir, 'dist/widget/widget.js'), 'utf8'),
    )

    // The image's own health check, in the container's environment.
    const healthcheck = (port: string) =>
      start(runtime.healthcheck!, runtime.dir, { ...env, PORT: port }).closed
    const port = new URL(url).port
    expect((await within(healthcheck(port), 10_000, 'health check')).code).toBe(0)

    server.child.kill(runtime.stopSignal as NodeJS.Signals)
    const { code } = await within(server.closed, 5000, `exit after ${runtime.stopSignal}`)
    expect(code, server.stderr).toBe(0)
    expect(server.stdout).toContain('"msg":"draining"')
    // Nothing listens any more: the same check now fails.
    expect((await within(healthcheck(port), 10_000, 'health check')).code).not.toBe(0)
  }, 60_000)

  it('refuses to start without ALLOWED_DEPARTMENTS, or visitors could open conversations in any department', async () => {
    const { ALLOWED_DEPARTMENTS: _, ...env } = productionEnv()
    const proc = start(runtime.cmd!, runtime.dir, env)
    const { code } = await within(proc.closed, 10_000, 'exit without ALLOWED_DEPARTMENTS')
    expect(code).toBe(1)
    expect(proc.stderr).toMatch(
      /^ {2}ALLOWED_DEPARTMENTS: required: .*or `\*` for every department/m,
    )
    expect(proc.stdout).not.toContain('Server listening')
    // `*` says so on purpose.
    const open = start(runtime.cmd!, runtime.dir, { ...env, ALLOWED_DEPARTMENTS: '*' })
    await waitForOutput(open, /"msg":"Server listening at (http:[^"]+)"/, 15_000)
    open.child.kill(runtime.stopSignal as NodeJS.Signals)
    expect((await within(open.closed, 5000, `exit after ${runtime.stopSignal}`)).code).toBe(0)
  }, 30_000)

  it('refuses to start without its settings, naming each one, and never starts the emulator', async () => {
    // A bare `docker run`, on loopback and a free port should it start anyway.
    const proc = start(runtime.cmd!, runtime.dir, { ...runtimeEnv, HOST: '127.0.0.1', PORT: '0' })
    const { code } = await within(proc.closed, 10_000, 'exit without settings')
    expect(code).toBe(1)
    expect(proc.stderr).toContain('Invalid configuration:')
    for (const name of [
      'ZCHAT_TOKEN',
      'ZCHAT_WEBHOOK_SECRET',
      'SESSION_SECRET',
      'PUBLIC_URL',
      'ALLOWED_ORIGINS',
      'ALLOWED_DEPARTMENTS',
    ])
      expect(proc.stderr).toContain(`${name}:`)
    expect(proc.stdout + proc.stderr).not.toMatch(/emulator/i)
    expect(proc.stdout).not.toContain('Server listening')
  }, 20_000)
})
