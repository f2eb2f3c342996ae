/**
 * `npm run emulator`: a zChat emulator to develop against by hand.
 *
 * ZCHAT_TOKEN (default 'emulator-token'), EMULATOR_PORT (default 8788), ZCHAT_WEBHOOK_URL (optional).
 */
import { z } from 'zod'
import { startEmulator } from './server.ts'

const env = z
  .object({
    ZCHAT_TOKEN: z.string().min(1).default('emulator-token'),
    EMULATOR_PORT: z
      .string()
      .regex(/^\d{1,5}$/, 'a port number')
      .default('8788')
      .transform(Number)
      .pipe(z.int().max(65_535)),
    ZCHAT_WEBHOOK_URL: z.url().optional(),
  })
  .safeParse(process.env)

if (!env.success) {
  for (const issue of env.error.issues) {
    console.error(`[emulator] ${issue.path.join('.')}: ${issue.message}`)
  }
  process.exit(1)
}

const { ZCHAT_TOKEN: token, EMULATOR_PORT: port, ZCHAT_WEBHOOK_URL: webhookUrl } = env.data
const emulator = await startEmulator({ token, port, ...(webhookUrl && { webhookUrl }) })

console.log(`[emulator] zChat API     ${emulator.apiUrl}`)
console.log(`[emulator] Agent console ${emulator.consoleUrl}`)
console.log(`[emulator] Webhook URL   ${webhookUrl ?? '(none: set ZCHAT_WEBHOOK_URL)'}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0))
  })
}
