/**
 * Page impact, in Chromium on the demo page (the same stack as `npm start`): what the widget
 * costs a host page that never opens it, and how soon it answers one that does.
 *
 * - main-thread time: the trace's script compile, evaluation and callbacks from the proxy's origin
 *   (the loader), from navigation until the page is idle, without a click;
 * - long tasks: main-thread tasks over 50 ms that hold any of that work;
 * - bytes before intent: everything fetched from the proxy's origin before any click or hover;
 * - click to composer: from the click on the launcher until the "Message" textbox is enabled.
 * Cold is a fresh browser profile (empty cache); warm is the same page loaded again.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test'
import { buildWidgetIfStale } from '../../demo/build.ts'
import { loadDemoConfig } from '../../demo/config.ts'
import { startDemo, widgetDir } from '../../demo/start.ts'
import { chromiumLaunchOptions } from '../../e2e/chromium.ts'
import { type FirstOpenFigures, measureFirstOpen } from './first-open.ts'

export type PageFigures = {
  loaderMainThreadMs: { cold: number; warm: number }
  widgetLongTasks: number
  bytesBeforeIntent: { cold: number; warm: number }
  clickToComposer: { cold: number; warm: number }
  /** The first open on a phone's networks (first-open.ts): this build, and the baseline build's. */
  firstOpen: { current: FirstOpenFigures[]; baseline: FirstOpenFigures[] | null }
}

/** BENCH_WIDGET_BASELINE: the dist/widget of another build (say main's), measured in the same run. */
export const baselineWidgetDir = process.env.BENCH_WIDGET_BASELINE || null

type TraceEvent = {
  name: string
  ph: string
  ts: number
  dur?: number
  tid: number
  pid: number
  args?: { data?: { url?: string; fileName?: string; scriptName?: string }; name?: string }
}

const scriptEvents = new Set(['EvaluateScript', 'v8.compile', 'FunctionCall', 'v8.compileModule'])

/** The widget's share of the main thread in a trace, and its long tasks. */
function attribute(events: TraceEvent[], origin: string) {
  const fromWidget = (e: TraceEvent) => {
    const data = e.args?.data
    const url = data?.url ?? data?.fileName ?? data?.scriptName ?? ''
    return e.ph === 'X' && scriptEvents.has(e.name) && url.startsWith(origin)
  }
  // The page's main thread is the one that ran the loader (a trace may hold other renderers).
  const first = events.find(fromWidget)
  const onMain = events.filter(
    (e) => first && e.pid === first.pid && e.tid === first.tid && e.ph === 'X',
  )
  // Nested events of one kind (a FunctionCall inside an EvaluateScript) count once: outermost only.
  const ours = onMain.filter(fromWidget).sort((a, b) => a.ts - b.ts)
  let ms = 0
  let end = -1
  for (const e of ours) {
    const stop = e.ts + (e.dur ?? 0)
    if (e.ts >= end) {
      ms += (e.dur ?? 0) / 1000
      end = stop
    } else if (stop > end) {
      ms += (stop - end) / 1000
      end = stop
    }
  }
  const longTasks = onMain.filter(
    (t) =>
      t.name === 'RunTask' &&
      (t.dur ?? 0) > 50_000 &&
      ours.some((e) => e.ts >= t.ts && e.ts < t.ts + (t.dur ?? 0)),
  ).length
  return { ms, longTasks }
}

/** Bytes from `origin` over the network (headers and bodies), counted by the browser. */
async function countBytes(context: BrowserContext, page: Page, origin: string) {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  const urls = new Map<string, string>()
  let bytes = 0
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url))
  cdp.on('Network.loadingFinished', (e) => {
    if (urls.get(e.requestId)?.startsWith(origin)) bytes += e.encodedDataLength
  })
  return () => bytes
}

async function loadOnce(
  browser: Browser,
  context: BrowserContext,
  page: Page,
  url: string,
  origin: string,
) {
  const bytes = await countBytes(context, page, origin)
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'],
  })
  await page.goto(url, { waitUntil: 'load' })
  await page.getByRole('button', { name: 'Open chat' }).waitFor()
  // Whatever the loader does after load (idle callbacks, a prefetch) is in the window too.
  await sleep(1500)
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as {
    traceEvents: TraceEvent[]
  }
  const beforeIntent = bytes()
  const started = performance.now()
  await page.getByRole('button', { name: 'Open chat' }).click()
  const composer = page.getByRole('textbox', { name: 'Message' })
  await composer.waitFor()
  while (!(await composer.isEnabled())) await sleep(5)
  const clickToComposer = performance.now() - started
  return { ...attribute(trace.traceEvents, origin), beforeIntent, clickToComposer }
}

export async function measurePage(): Promise<PageFigures> {
  await buildWidgetIfStale()
  const demo = await startDemo(
    loadDemoConfig({ PORT: '0', DEMO_PORT: '0', EMULATOR_PORT: '0', LOG_LEVEL: 'silent' }),
    { logger: false },
  )
  const browser = await chromium.launch({
    headless: true,
    ...chromiumLaunchOptions,
  })
  try {
    const origin = new URL(demo.proxyUrl).origin
    const url = `${demo.site.url}/?page-lang=en`
    const context = await browser.newContext()
    const coldPage = await context.newPage()
    const cold = await loadOnce(browser, context, coldPage, url, origin)
    // Warm means a cached widget, not a returning visitor: the chat the click opened is forgotten.
    await coldPage.evaluate(() => localStorage.clear())
    await coldPage.close()
    // Warm: the same profile, so the loader and the chat chunk come from the cache.
    const warm = await loadOnce(browser, context, await context.newPage(), url, origin)
    await context.close()
    // The baseline first, then this build, each on its own stack.
    const baseline = baselineWidgetDir ? await measureFirstOpen(browser, baselineWidgetDir) : null
    const current = await measureFirstOpen(browser, widgetDir)
    return {
      firstOpen: { current, baseline },
      loaderMainThreadMs: { cold: cold.ms, warm: warm.ms },
      widgetLongTasks: cold.longTasks + warm.longTasks,
      bytesBeforeIntent: { cold: cold.beforeIntent, warm: warm.beforeIntent },
      clickToComposer: { cold: cold.clickToComposer, warm: warm.clickToComposer },
    }
  } finally {
    await browser.close()
    await demo.close()
  }
}

const ms = (n: number) => `${Math.round(n)} ms`
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

/** The first-open figures as a table, this build beside the baseline's, then the waterfalls. */
export function firstOpenReport({ current, baseline }: PageFigures['firstOpen']): string {
  const rows: string[] = []
  const cell = (pick: (f: FirstOpenFigures) => string, i: number) =>
    `${baseline?.[i] ? `${pick(baseline[i])} | ` : ''}${pick(current[i]!)}`
  for (const [i, f] of current.entries()) {
    rows.push(
      `| ${f.profile}: page -> launcher shown, cold | ${cell((x) => ms(x.cold.launcherShownMs), i)} |`,
      `| ${f.profile}: click -> usable composer, cold / warm | ${cell((x) => `${ms(x.cold.clickToComposerMs)} / ${ms(x.warm.clickToComposerMs)}`, i)} |`,
      `| ${f.profile}: pointer 300 ms on the launcher, then click -> usable composer | ${cell((x) => ms(x.hoveredMs), i)} |`,
      `| ${f.profile}: the first open's round trips (request waves), cold | ${cell((x) => String(x.cold.rounds), i)} |`,
      `| ${f.profile}: the first open's bytes, loader included: gzip (as npm run size counts) / over the wire | ${cell((x) => `${kb(x.cold.gzipBytes)} / ${kb(x.cold.wireBytes)}`, i)} |`,
    )
  }
  const head = baseline
    ? '| figure | baseline | this build |\n|---|---|---|'
    : '| figure | this build |\n|---|---|'
  const falls = current.flatMap((f, i) => [
    ...(baseline?.[i]
      ? [
          `Baseline, ${f.profile}, cold, ms after the click:`,
          '```',
          baseline[i].cold.waterfall,
          '```',
        ]
      : []),
    `This build, ${f.profile}, cold, ms after the click:`,
    '```',
    f.cold.waterfall,
    '```',
  ])
  return [head, ...rows, '', ...falls].join('\n')
}

// `tsx scripts/bench/page.ts`: the page figures alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await measurePage()
  const { firstOpen, ...rest } = figures
  console.log(JSON.stringify(rest, null, 2))
  console.log(firstOpenReport(firstOpen))
}
