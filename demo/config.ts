/**
 * The demo's configuration: the product's settings with made-up secrets, zChat played by the
 * emulator, and the demo website as the one site allowed to embed the widget.
 *
 * The agent console reads visitors' data and answers as an agent, with no login: the demo listens
 * on loopback only unless DEMO_ALLOW_REMOTE=1 says otherwise, and then it warns.
 */
import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { z } from 'zod'
import { defaultDepartments } from '../emulator/server.ts'
import { type Config, ConfigError, type Env, readSettings, toConfig } from '../proxy/env.ts'

export type DemoConfig = {
  proxy: Config
  demoPort: number
  emulatorPort: number
  /** Set when a non-loopback HOST was allowed by DEMO_ALLOW_REMOTE: print it loudly. */
  warning: string | null
}

const demoSchema = z.object({
  DEMO_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65_535).default(8788),
  DEMO_ALLOW_REMOTE: z.enum(['0', '1', 'true', 'false']).default('0'),
})

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1' || host === '[::1]'
}

export function loadDemoConfig(env: Env = process.env): DemoConfig {
  const demo = demoSchema.safeParse(env)
  const lines = demo.success
    ? []
    : demo.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
  const settings = readSettings(env, lines)
  const d = demo.data!
  const remote = !isLoopback(settings.HOST)
  const allowRemote = d.DEMO_ALLOW_REMOTE === '1' || d.DEMO_ALLOW_REMOTE === 'true'
  if (remote && !allowRemote) {
    throw new ConfigError(
      `Invalid configuration:\n  HOST: the demo listens on loopback only (127.0.0.1, ::1 or localhost), not ${settings.HOST}: its agent console shows visitors' data and answers as an agent, with no login. Set DEMO_ALLOW_REMOTE=1 to expose it anyway, on a network you trust.`,
    )
  }
  const secret = () => randomBytes(32).toString('base64url')
  return {
    proxy: toConfig(settings, {
      zchatToken: secret(),
      webhookSecret: secret(),
      sessionSecret: secret(),
      publicUrl: `http://localhost:${settings.PORT}`,
      // Replaced by the demo website's own origin once it listens.
      allowedOrigins: [],
      // The emulator's departments, unless told otherwise.
      allowedDepartments:
        settings.ALLOWED_DEPARTMENTS === undefined
          ? [...defaultDepartments]
          : settings.ALLOWED_DEPARTMENTS,
    }),
    demoPort: d.DEMO_PORT,
    emulatorPort: d.EMULATOR_PORT,
    warning: remote
      ? `WARNING: DEMO_ALLOW_REMOTE is set: the demo, with its agent console, listens on ${settings.HOST}. Anyone who reaches it can read visitors' messages and answer as an agent.`
      : null,
  }
}
