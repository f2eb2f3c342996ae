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
import { startDemo } from '../../demo/start.ts'
import { chromiumLaunchOptions } from '../../e2e/chromium.ts'

export type PageFigures = {
  loaderMainThreadMs: { cold: number; warm: number }
  widgetLongTasks: number
  bytesBeforeIntent: { cold: number; warm: number }
  clickToComposer: { cold: number; warm: number }
}

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
    const url = `${demo.site.url}/`
    const context = await browser.newContext()
    const coldPage = await context.newPage()
    const cold = await loadOnce(browser, context, coldPage, url, origin)
    // Warm means a cached widget, not a returning visitor: the chat the click opened is forgotten.
    await coldPage.evaluate(() => localStorage.clear())
    await coldPage.close()
    // Warm: the same profile, so the loader and the chat chunk come from the cache.
    const warm = await loadOnce(browser, context, await context.newPage(), url, origin)
    await context.close()
    return {
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

// `tsx scripts/bench/page.ts`: the page figures alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measurePage(), null, 2))
}
