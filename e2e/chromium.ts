/**
 * How our tools launch Chromium: Debian's by default (Playwright cannot download its own browser on
 * our machines; CHROMIUM_PATH overrides it, and an empty value means Playwright's own), with the
 * flags that keep it off the network this machine does not have. playwright.config.ts and the
 * bench's page measurements launch it the same way.
 */
import { existsSync } from 'node:fs'
import type { LaunchOptions } from '@playwright/test'

const chromiumPath =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : '')

export const chromiumLaunchOptions: LaunchOptions = {
  ...(chromiumPath && { executablePath: chromiumPath }),
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
}
