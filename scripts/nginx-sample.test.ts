/**
 * docs/deploy/nginx.conf, as an operator would install it, on Debian's nginx (`.ci/run` installs it
 * when missing): its certificate, port and upstream substituted, nothing else changed, in a
 * configuration of its own in a temporary folder, never the system's. The proxy behind it is down,
 * as it is for a moment at every deploy: nginx then writes the request line of each call it could
 * not pass on to its error log, and the webhook's secret (or a history ticket) must not be in it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { freePort } from '../proxy/testing/redis-server.ts'

const nginx = process.env.NGINX_PATH ?? '/usr/sbin/nginx'
const sample = fileURLToPath(new URL('../docs/deploy/nginx.conf', import.meta.url))
const exec = promisify(execFile)

const webhookSecret = 'sample-webhook-secret-0123456789'
const ticket = 'v2.AbCdEfGh.eyJjIjoiYWJjIiwiZSI6MX0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU'
const marker = 'an-ordinary-call-0123456789'

let dir = ''
let port = 0
let server: ChildProcess | null = null
const paths = (name: string) => join(dir, name)

/** `from` in `text`, exactly once, replaced: the sample still says what the test expects. */
function substitute(text: string, from: string | RegExp, to: string): string {
  const count = text.split(from).length - 1
  if (count !== 1) throw new Error(`docs/deploy/nginx.conf: expected ${from} once, found ${count}`)
  return text.replace(from, to)
}

/** The sample with this machine's certificate, a free port and a proxy that is down. */
function installed(downPort: number): string {
  let text = readFileSync(sample, 'utf8')
  text = substitute(text, /^ {2}listen 443 /m, `  listen 127.0.0.1:${port} `)
  text = substitute(text, '/etc/ssl/chat.example.com/fullchain.pem', paths('cert.pem'))
  text = substitute(text, '/etc/ssl/chat.example.com/privkey.pem', paths('key.pem'))
  return substitute(text, 'server 127.0.0.1:8787;', `server 127.0.0.1:${downPort};`)
}

/** The sample goes in the http {} block, as its first line says; everything else stays in `dir`. */
const mainConfig = () => `
worker_processes 1;
pid ${paths('nginx.pid')};
error_log ${paths('error.log')};
events { worker_connections 64; }
http {
  access_log ${paths('access.log')};
  error_log ${paths('error.log')};
  client_body_temp_path ${paths('client_body')};
  proxy_temp_path ${paths('proxy')};
  fastcgi_temp_path ${paths('fastcgi')};
  uwsgi_temp_path ${paths('uwsgi')};
  scgi_temp_path ${paths('scgi')};
  include ${paths('sample.conf')};
}
`

const nginxArgs = () => ['-p', dir, '-c', paths('nginx.conf'), '-e', paths('error.log')]

/** A call through nginx's TLS, its certificate the test's own. */
function call(method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        servername: 'chat.example.com',
        rejectUnauthorized: false,
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        response.resume()
        response.once('end', () => resolve(response.statusCode ?? 0))
      },
    )
    outgoing.once('error', reject)
    outgoing.end(method === 'POST' ? '{}' : undefined)
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nginx-sample-'))
  // nginx's workers run as another user when started as root: they must reach the folder.
  chmodSync(dir, 0o755)
  await exec('openssl', [
    ...['req', '-x509', '-nodes', '-days', '1', '-subj', '/CN=chat.example.com'],
    ...['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
    ...['-keyout', paths('key.pem'), '-out', paths('cert.pem')],
  ])
  port = await freePort()
  writeFileSync(paths('sample.conf'), installed(await freePort()))
  writeFileSync(paths('nginx.conf'), mainConfig())
}, 30_000)

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve))
    server.kill('SIGTERM')
    await exited
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('docs/deploy/nginx.conf', () => {
  it("passes `nginx -t` on Debian 12's nginx 1.22", async () => {
    const { stderr } = await exec(nginx, ['-t', ...nginxArgs()]).catch(
      (error: { stderr?: string }) => {
        throw new Error(`nginx -t failed:\n${error.stderr}`)
      },
    )
    expect(stderr).toMatch(/test is successful/)
  })

  it('keeps the webhook secret and history tickets out of the access and the error log while the proxy is down', async () => {
    const started = spawn(nginx, [...nginxArgs(), '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    server = started
    let stderr = ''
    started.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk
    })
    const exited = new Promise<never>((_, reject) =>
      started.once('exit', (code) => reject(new Error(`nginx exited (${code}):\n${stderr}`))),
    )
    // The master writes its pid once it listens.
    const listening = vi.waitFor(() => expect(existsSync(paths('nginx.pid'))).toBe(true), {
      timeout: 10_000,
    })
    await Promise.race([listening, exited])

    expect(await call('POST', `/webhooks/zchat/${webhookSecret}`)).toBe(502)
    expect(await call('GET', `/v1/history/${ticket}`)).toBe(502)
    // An ordinary call, failing the same way: its request line shows in both logs, so they work.
    expect(await call('POST', `/v1/conversations?probe=${marker}`)).toBe(502)
    // One worker answers calls in turn, each logged before the next is read: once this one is
    // answered, every line of the calls above is written.
    expect(await call('GET', '/healthz')).toBe(502)

    const access = readFileSync(paths('access.log'), 'utf8')
    const errors = readFileSync(paths('error.log'), 'utf8')
    expect(access).toContain(marker)
    expect(errors).toMatch(
      new RegExp(`upstream.*request: "POST /v1/conversations\\?probe=${marker}`),
    )
    for (const secret of [webhookSecret, ticket]) {
      expect(access).not.toContain(secret)
      expect(errors).not.toContain(secret)
    }
  }, 20_000)
})
