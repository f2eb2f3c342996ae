/**
 * The chat's first open on a phone's network (issue 19), in Chromium with the network throttled over
 * CDP (e2e/network.ts): a pt-BR page whose snippet asks for the pre-chat form, through the proxy and
 * the demo stack, as the first-open stories see it. For each network profile:
 *
 * - page -> launcher shown: from navigation start until the launcher is in the page (cold);
 * - click -> usable composer: from the click until "Mensagem" is there and "Anexar um arquivo" (the
 *   proxy's config read) too; cold (a fresh profile), warm (the same profile again, storage cleared:
 *   not a returning visitor), and after the pointer rested 300 ms on the launcher (cold);
 * - round trips: the first open's requests in waves (a request starts a new wave when it starts only
 *   after another of them has arrived), with the waterfall;
 * - bytes: what the first open fetched, over the wire (brotli, with headers) and as the size check
 *   counts it (each file gzipped at level 9, the loader included).
 *
 * Timed in the page (performance.now()), not over CDP. Run beside a baseline build of the widget
 * (BENCH_WIDGET_BASELINE=dist/widget of another checkout, built with `npm run build:widget`) in the
 * same run, each figure is given for both.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { gzipSync } from 'node:zlib'
import type { Browser, Page } from '@playwright/test'
import { loadDemoConfig } from '../../demo/config.ts'
import { startDemo } from '../../demo/start.ts'
import {
  type Fetched,
  type NetworkProfile,
  phone,
  recordRequests,
  slow3g,
  throttle,
  waterfall,
  waves,
} from '../../e2e/network.ts'

export type FirstOpenRun = {
  launcherShownMs: number
  clickToComposerMs: number
  rounds: number
  /** Over the wire, as the browser counted it (compressed bodies and headers). */
  wireBytes: number
  /** The files fetched, each gzipped at level 9 as scripts/check-size.ts counts them, loader included. */
  gzipBytes: number
  waterfall: string
}

export type FirstOpenFigures = {
  profile: string
  cold: FirstOpenRun
  warm: FirstOpenRun
  /** Click to composer when the pointer rested 300 ms on the launcher first. */
  hoveredMs: number
}

export const profiles: readonly NetworkProfile[] = [phone, slow3g]

/**
 * Marks in the page: the launcher's arrival, the click, the usable composer. Plain JavaScript in a
 * string: a function would be serialized as tsx compiled it, with helpers the page does not have.
 */
const markInPageSource = `(() => {
  const marks = { launcher: 0, click: 0, composer: 0 }
  window.__zcBench = marks
  addEventListener('click', () => { marks.click ||= performance.now() }, true)
  const watch = (root) => {
    const check = () => {
      if (!marks.launcher && root.querySelector('.zc-launcher')) marks.launcher = performance.now()
      if (marks.click && !marks.composer && root.querySelector('#zc-message') && root.querySelector('.zc-attach'))
        marks.composer = performance.now()
    }
    new MutationObserver(check).observe(root, { childList: true, subtree: true, attributes: true })
    check()
  }
  new MutationObserver((_, observer) => {
    const root = document.querySelector('[data-zchat]')?.shadowRoot
    if (!root) return
    observer.disconnect()
    watch(root)
    // The document, not its element: an init script runs before there is one.
  }).observe(document, { childList: true, subtree: true })
})()`

type Marks = { launcher: number; click: number; composer: number }
const marks = (page: Page) =>
  page.evaluate(() => (window as unknown as { __zcBench: Marks }).__zcBench)

function gzipOf(widgetDir: string, requests: readonly Fetched[]): number {
  let total = 0
  for (const { url } of requests) {
    const path = new URL(url).pathname
    const file =
      path === '/widget.js'
        ? 'widget.js'
        : path.startsWith('/widget/')
          ? `chat/${path.slice(8)}`
          : null
    if (file) total += gzipSync(readFileSync(`${widgetDir}/${file}`), { level: 9 }).length
  }
  return total
}

async function openOnce(
  page: Page,
  url: string,
  origin: string,
  widgetDir: string,
  hoverFirst: boolean,
): Promise<FirstOpenRun> {
  const requests = recordRequests(page, origin)
  await page.goto(url)
  const launcher = page.getByRole('button', { name: 'Abrir chat' })
  await launcher.waitFor()
  if (hoverFirst) {
    await launcher.hover()
    await sleep(300)
  }
  const clickedAt = Date.now()
  await launcher.click()
  await page.waitForFunction(
    () => (window as unknown as { __zcBench: Marks }).__zcBench.composer > 0,
  )
  const m = await marks(page)
  // Everything the open asked for has arrived (or the run says what is missing).
  const deadline = Date.now() + 30_000
  while (requests.all.some((r) => r.end === null) && Date.now() < deadline) await sleep(20)
  const firstOpen = hoverFirst
    ? requests.all.filter((r) => !r.url.endsWith('/widget.js'))
    : requests.since(clickedAt)
  const loader = requests.all.filter((r) => r.url.endsWith('/widget.js'))
  return {
    launcherShownMs: m.launcher,
    clickToComposerMs: m.composer - m.click,
    rounds: waves(firstOpen).length,
    wireBytes: [...loader, ...firstOpen].reduce((sum, r) => sum + r.bytes, 0),
    gzipBytes: gzipOf(widgetDir, [...loader, ...firstOpen]),
    waterfall: waterfall(firstOpen, clickedAt),
  }
}

/** The first open of one widget build on each profile: cold, warm and after a hover. */
export async function measureFirstOpen(
  browser: Browser,
  widgetDir: string,
): Promise<FirstOpenFigures[]> {
  const demo = await startDemo(
    loadDemoConfig({ PORT: '0', DEMO_PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'silent' }),
    { logger: false, widgetDir },
  )
  try {
    // The proxy compresses each file once per version, at its first request: in production long
    // before a visitor's, here in a fresh process. Asked once first, so the runs time the network.
    for (const file of ['widget.js', ...readdirSync(`${widgetDir}/chat`).map((f) => `widget/${f}`)])
      if (file.endsWith('.js'))
        await (
          await fetch(`${demo.proxyUrl}/${file}`, { headers: { 'accept-encoding': 'br' } })
        ).arrayBuffer()
    const origin = new URL(demo.proxyUrl).origin
    // A Brazilian page (its own <html lang>); the demo's snippet asks for the pre-chat form.
    const url = `${demo.site.url}/?page-lang=pt-BR`
    const figures: FirstOpenFigures[] = []
    for (const profile of profiles) {
      const context = await browser.newContext()
      await context.addInitScript({ content: markInPageSource })
      const open = async (hoverFirst: boolean) => {
        const page = await context.newPage()
        await throttle(context, page, profile)
        const run = await openOnce(page, url, origin, widgetDir, hoverFirst)
        // Warm means a cached widget, not a returning visitor: the chat the click opened is forgotten.
        await page.evaluate(() => {
          localStorage.clear()
          sessionStorage.clear()
        })
        await page.close()
        return run
      }
      const cold = await open(false)
      const warm = await open(false)
      await context.close()
      const hoverContext = await browser.newContext()
      await hoverContext.addInitScript({ content: markInPageSource })
      const page = await hoverContext.newPage()
      await throttle(hoverContext, page, profile)
      const hovered = await openOnce(page, url, origin, widgetDir, true)
      await hoverContext.close()
      figures.push({ profile: profile.name, cold, warm, hoveredMs: hovered.clickToComposerMs })
    }
    return figures
  } finally {
    await demo.close()
  }
}
