/**
 * `external_history`: zChat GETs the URL given at start and shows the messages to the agent
 * (docs/zchat/seed/clientapi-v1.md#external-history: "Endpoint that GET a JSON", the document
 * `{"messages": [{"time", "direction", "content"}]}`, every field required).
 * Every failure becomes a sentence for the console, classified by what went wrong.
 *
 * Seed silent, and the emulator's choices: when and how often it is fetched (at once after the
 * start; `historyDelayMs`, `historyFetches` and POST /control/interactions/:hash/history for the
 * other answers), its headers (only `accept`), timeout (`historyTimeoutMs`, 5 s), size (1 MB), that
 * a non-2xx answer is a failure, and the zone of `time` (the `historyTimeZone` fault).
 */

import type { HistoryView } from './interactions.ts'
import { historyDocument } from './schemas.ts'

// The document sets no bound; a history bigger than this is surely a mistake.
const maxBytes = 1_048_576

const zoneFormats = new Map<string, Intl.DateTimeFormat>()

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  let format = zoneFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    zoneFormats.set(timeZone, format)
  }
  const part = Object.fromEntries(
    format.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]),
  )
  const wall = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour, part.minute, part.second)
  return wall - Math.floor(instant / 1000) * 1000
}

/**
 * The instant a zone-less `YYYY-MM-DD HH:mm:ss` denotes in `timeZone`, as ISO 8601; null when it
 * names no real time (a 30 February, an hour skipped by a daylight-saving change).
 */
export function readHistoryTime(time: string, timeZone: string): string | null {
  const [date = '', clock = ''] = time.split(' ')
  const [year, month, day] = date.split('-').map(Number)
  const [hour, minute, second] = clock.split(':').map(Number)
  const wall = Date.UTC(year!, month! - 1, day!, hour, minute, second)
  if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 19) !== `${date}T${clock}`)
    return null
  // The offset at the wall time read as UTC, then at the instant that gives: right across a change.
  let instant = wall - offsetAt(wall, timeZone)
  instant = wall - offsetAt(instant, timeZone)
  return wall - offsetAt(instant, timeZone) === instant ? new Date(instant).toISOString() : null
}

export async function fetchExternalHistory(
  url: string,
  timeoutMs: number,
  timeZone: string,
): Promise<Omit<HistoryView, 'url'>> {
  let text: string
  let status: number
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json', 'user-agent': 'zchat-emulator' },
      signal: AbortSignal.timeout(timeoutMs),
    })
    status = response.status
    text = await response.text()
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      return { error: `The history URL did not answer within ${timeoutMs} ms` }
    }
    return { error: 'The history URL could not be reached' }
  }
  if (status < 200 || status > 299) return { error: `The history URL answered HTTP ${status}` }
  if (text.length > maxBytes) return { error: 'The history is larger than 1 MB' }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { error: 'The history URL did not answer JSON' }
  }
  const parsed = historyDocument.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? issue.path.join('.') : 'body'
    return { error: `The history does not match the contract (${where}: ${issue?.message})` }
  }
  return {
    messages: parsed.data.messages.map((message) => ({
      ...message,
      at: readHistoryTime(message.time, timeZone),
    })),
  }
}
