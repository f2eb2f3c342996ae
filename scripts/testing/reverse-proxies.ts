/**
 * The samples in docs/deploy/ as an operator installs them, on the servers this machine has:
 * Debian's nginx and Caddy. Each runs from a temporary folder of its own with a configuration
 * written there (never the system's), a self-signed certificate openssl makes for
 * chat.example.com (and 127.0.0.1), and only ports, certificate paths and upstreams substituted.
 * `.ci/run` installs nginx, Caddy and openssl when missing.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freePort } from '../../proxy/testing/redis-server.ts'

export const nginxPath = process.env.NGINX_PATH ?? '/usr/sbin/nginx'
export const caddyPath = process.env.CADDY_PATH ?? '/usr/bin/caddy'
export const nginxSample = fileURLToPath(new URL('../../docs/deploy/nginx.conf', import.meta.url))
export const caddySample = fileURLToPath(new URL('../../docs/deploy/Caddyfile', import.meta.url))
/** The name the samples serve, and the certificate's. */
export const serverName = 'chat.example.com'

const exec = promisify(execFile)

export type Certificate = { cert: string; key: string }

/** A self-signed certificate for chat.example.com and 127.0.0.1, valid for a day, written in `dir`. */
export async function makeCertificate(dir: string): Promise<Certificate> {
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')
  await exec('openssl', [
    ...['req', '-x509', '-nodes', '-days', '1', '-subj', `/CN=${serverName}`],
    ...['-addext', `subjectAltName=DNS:${serverName},IP:127.0.0.1`],
    ...['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
    ...['-keyout', key, '-out', cert],
  ])
  return { cert, key }
}

/** `from` in `text`, exactly once, replaced: the sample still says what the test expects. */
export function substitute(
  text: string,
  from: string | RegExp,
  to: string,
  file = 'sample',
): string {
  const count = text.split(from).length - 1
  if (count !== 1) throw new Error(`${file}: expected ${from} once, found ${count}`)
  return text.replace(from, to)
}

export type FrontOptions = {
  /** The proxy instances behind it (ports on 127.0.0.1); nothing need listen there. */
  upstreams: number[]
  /** nginx: connections per worker (64 is plenty for a test; a soak needs more). */
  workerConnections?: number
  /** nginx: worker processes (1 for a test). */
  workers?: number | 'auto'
}

/** A reverse proxy running one of the samples. */
export type Front = {
  kind: 'nginx' | 'caddy'
  /** Where it listens for TLS, on 127.0.0.1. */
  port: number
  /** Its folder: configuration, certificate, logs, pid. */
  dir: string
  certificate: Certificate
  /** Everything it logged (nginx: its error and access logs; Caddy: its log). */
  logs(): string
  /**
   * Resolves once `text` is in its logs. nginx writes a call's lines before it answers the call;
   * Caddy before too, but to a pipe this process reads later.
   */
  logged(text: string): Promise<void>
  /** Its own check of the configuration (`nginx -t`, `caddy validate`): what it printed. */
  check(): Promise<string>
  stop(): Promise<void>
}

/** docs/deploy/nginx.conf with this machine's certificate, port and upstreams. */
export function installNginxSample(port: number, certificate: Certificate, upstreams: number[]) {
  let text = readFileSync(nginxSample, 'utf8')
  const file = 'docs/deploy/nginx.conf'
  text = substitute(text, /^ {2}listen 443 /m, `  listen 127.0.0.1:${port} `, file)
  text = substitute(text, '/etc/ssl/chat.example.com/fullchain.pem', certificate.cert, file)
  text = substitute(text, '/etc/ssl/chat.example.com/privkey.pem', certificate.key, file)
  const servers = upstreams.map((upstream) => `server 127.0.0.1:${upstream};`).join('\n  ')
  return substitute(text, 'server 127.0.0.1:8787;', servers, file)
}

/**
 * The main configuration around the sample, which goes in the http {} block: Debian's and Ubuntu's
 * own http settings (their /etc/nginx/nginx.conf: gzip on, TLS 1.0 to 1.3, sendfile), so the sample
 * is tested beside what it meets there; every path in `dir`.
 */
function nginxMain(dir: string, options: FrontOptions) {
  const path = (name: string) => join(dir, name)
  return `
worker_processes ${options.workers ?? 1};
pid ${path('nginx.pid')};
# The master's notices ("start worker process") on stderr: how the test knows nginx listens.
error_log stderr notice;
events { worker_connections ${options.workerConnections ?? 64}; }
http {
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  default_type application/octet-stream;
  ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
  ssl_prefer_server_ciphers on;
  gzip on;
  access_log ${path('access.log')};
  error_log ${path('error.log')};
  client_body_temp_path ${path('client_body')};
  proxy_temp_path ${path('proxy')};
  fastcgi_temp_path ${path('fastcgi')};
  uwsgi_temp_path ${path('uwsgi')};
  scgi_temp_path ${path('scgi')};
  include ${path('sample.conf')};
}
`
}

function readOr(file: string) {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

type Launched = {
  child: ChildProcess
  output(): string
  /** Resolves once `text` is in what it printed. */
  printed(text: string): Promise<void>
}

/** Spawns a server and resolves once `ready` holds for what it printed; rejects if it exits first. */
function launch(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (output: string) => boolean,
): Promise<Launched> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const waiters = new Set<() => void>()
  const printed = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!output.includes(text)) return
        waiters.delete(check)
        resolve()
      }
      waiters.add(check)
      check()
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} did not start in 20 s:\n${output}`))
    }, 20_000)
    const read = (chunk: Buffer) => {
      output += chunk
      for (const waiter of waiters) waiter()
      if (ready(output)) {
        clearTimeout(timer)
        resolve({ child, output: () => output, printed })
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${command} exited (${code}):\n${output}`))
    })
  })
}

function stopper(child: ChildProcess, signal: NodeJS.Signals, dir: string) {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill(signal)
      // A graceful stop waits for open streams; a test that failed may have left one.
      const cut = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(cut)
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A folder of its own; nginx's workers run as another user when started as root: they must reach it. */
function frontDir(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  chmodSync(dir, 0o755)
  return dir
}

/** Debian's nginx with docs/deploy/nginx.conf, in front of `upstreams`. */
export async function startNginx(options: FrontOptions): Promise<Front> {
  const dir = frontDir('nginx-sample-')
  const certificate = await makeCertificate(dir)
  const port = await freePort()
  writeFileSync(join(dir, 'sample.conf'), installNginxSample(port, certificate, options.upstreams))
  writeFileSync(join(dir, 'nginx.conf'), nginxMain(dir, options))
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')]
  // The master opens its sockets, then starts its workers, and says so.
  const { child, output } = await launch(
    nginxPath,
    [...args, '-g', 'daemon off;'],
    process.env,
    (text) => text.includes('start worker process'),
  )
  const logs = () => output() + readOr(join(dir, 'error.log')) + readOr(join(dir, 'access.log'))
  return {
    kind: 'nginx',
    port,
    dir,
    certificate,
    logs,
    logged: async (text) => {
      if (!logs().includes(text)) throw new Error(`nginx has not logged ${text}:\n${logs()}`)
    },
    check: async () => {
      const { stderr } = await exec(nginxPath, ['-t', ...args])
      return stderr
    },
    // SIGTERM: nginx's fast shutdown, open streams cut.
    stop: stopper(child, 'SIGTERM', dir),
  }
}

/**
 * docs/deploy/Caddyfile with this machine's certificate (its commented `tls` line, with the paths),
 * port and upstreams; and in its global options what keeps Caddy in `dir`: no admin endpoint (its
 * default port is the machine's), its HTTP port (redirects) a free one, its storage in `dir`.
 */
export function installCaddySample(
  port: number,
  httpPort: number,
  dir: string,
  certificate: Certificate,
  upstreams: number[],
) {
  let text = readFileSync(caddySample, 'utf8')
  const file = 'docs/deploy/Caddyfile'
  text = substitute(
    text,
    /^\{\n/m,
    `{\n\tadmin off\n\thttp_port ${httpPort}\n\tstorage file_system ${join(dir, 'data')}\n`,
    file,
  )
  text = substitute(text, /^chat\.example\.com \{/m, `${serverName}:${port} {`, file)
  text = substitute(
    text,
    '# tls /etc/ssl/chat.example.com/fullchain.pem /etc/ssl/chat.example.com/privkey.pem',
    `tls ${certificate.cert} ${certificate.key}`,
    file,
  )
  const servers = upstreams.map((upstream) => `127.0.0.1:${upstream}`).join(' ')
  return substitute(text, 'reverse_proxy 127.0.0.1:8787 {', `reverse_proxy ${servers} {`, file)
}

/** Debian's Caddy with docs/deploy/Caddyfile, in front of `upstreams`. */
export async function startCaddy(options: FrontOptions): Promise<Front> {
  const dir = frontDir('caddy-sample-')
  const certificate = await makeCertificate(dir)
  const port = await freePort()
  const config = join(dir, 'Caddyfile')
  writeFileSync(
    config,
    installCaddySample(port, await freePort(), dir, certificate, options.upstreams),
  )
  // Caddy keeps its autosaved configuration and data under HOME / XDG_*: here, not the machine's.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
  }
  const args = ['--config', config, '--adapter', 'caddyfile']
  const { child, output, printed } = await launch(caddyPath, ['run', ...args], env, (text) =>
    text.includes('serving initial configuration'),
  )
  return {
    kind: 'caddy',
    port,
    dir,
    certificate,
    logs: output,
    logged: printed,
    check: async () => {
      const { stdout, stderr } = await exec(caddyPath, ['validate', ...args], { env })
      return stdout + stderr
    },
    stop: stopper(child, 'SIGTERM', dir),
  }
}

export const startFront = (kind: Front['kind'], options: FrontOptions) =>
  kind === 'nginx' ? startNginx(options) : startCaddy(options)
