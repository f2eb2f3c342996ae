/**
 * A CAPTCHA provider's siteverify for tests: a real HTTP server on loopback that answers as
 * Turnstile, hCaptcha and reCAPTCHA do, from a table of tokens, and keeps each form it was asked.
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The provider's answer to a token: unknown tokens get `{"success": false}`. */
export type Verdict = { success: boolean; hostname?: string; score?: number }

export type Siteverify = {
  url: string
  asked: URLSearchParams[]
  close(): Promise<void>
}

export async function startSiteverify(verdicts: Record<string, Verdict>): Promise<Siteverify> {
  const asked: URLSearchParams[] = []
  const server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += String(chunk)
    const form = new URLSearchParams(body)
    asked.push(form)
    const verdict = verdicts[form.get('response') ?? ''] ?? { success: false }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verdict))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/siteverify`,
    asked,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
