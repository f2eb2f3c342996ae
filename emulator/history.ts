/**
 * `external_history`: zChat GETs the URL given at start and shows the messages to the agent.
 * Every failure becomes a sentence for the console, classified by what went wrong.
 */

import type { HistoryView } from './interactions.ts'
import { historyDocument } from './schemas.ts'

// The document sets no bound; a history bigger than this is surely a mistake.
const maxBytes = 1_048_576

export async function fetchExternalHistory(
  url: string,
  timeoutMs: number,
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
  return { messages: parsed.data.messages }
}
