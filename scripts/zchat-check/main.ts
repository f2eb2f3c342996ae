/**
 * `npm run zchat:check`: what an operator runs once, with the proxy's real settings, before going
 * live. It plays the proxy against their zChat account (one interaction through every call, the
 * webhook, the history and the files at PUBLIC_URL) and reports, row by row, where zChat does not
 * do what the proxy assumes. Exit 0 when every row matches, 1 when one does not, 2 when the
 * settings are bad or HOST:PORT is taken.
 */
import { runCheck } from './checks.ts'
import { redact, renderJson, renderText } from './report.ts'
import { prepareRun } from './run.ts'
import { startCheckServer } from './server.ts'
import {
  type CheckSettings,
  HelpWanted,
  readSettings,
  SettingsError,
  secretsOf,
  usage,
} from './settings.ts'

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()))
}

/** Known once the settings are read: scrubbed from everything written, errors included. */
let secrets: string[] = []

async function main(): Promise<number> {
  let settings: CheckSettings
  try {
    settings = readSettings(process.env, process.argv.slice(2))
  } catch (error) {
    if (error instanceof HelpWanted) {
      await write(process.stdout, `${usage}\n`)
      return 0
    }
    if (error instanceof SettingsError) {
      await write(process.stderr, `${error.message}\n`)
      return 2
    }
    throw error
  }
  secrets = secretsOf(settings)
  const say = (line: string) => process.stderr.write(`${redact(line, secrets)}\n`)

  const run = prepareRun(settings)
  let server: Awaited<ReturnType<typeof startCheckServer>>
  try {
    server = await startCheckServer({
      host: settings.host,
      port: settings.port,
      secret: settings.webhookSecret,
      served: run.served,
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'EADDRINUSE'
        ? 'is taken: is the proxy running? Stop it for the check, which answers at PUBLIC_URL in its place'
        : `cannot be listened on (${code ?? String(error)})`
    await write(
      process.stderr,
      `Invalid configuration:\n  HOST/PORT: ${settings.host}:${settings.port} ${why}\n`,
    )
    return 2
  }
  try {
    const report = await runCheck(settings, run, server, say)
    const text = settings.json
      ? renderJson(report)
      : renderText(report, process.stdout.columns ?? 160)
    await write(process.stdout, redact(text, secrets))
    return report.ok ? 0 : 1
  } finally {
    await server.close()
  }
}

// Exit at once when done: zChat's kept-alive connections would hold the process a few seconds.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(redact(`zchat:check failed: ${message}\n`, secrets))
    process.exit(2)
  },
)
