/**
 * The conversation as a text file the visitor keeps ("Download the conversation"): what the window
 * shows, in the widget's language, each message with its date and time in the visitor's own zone and
 * who wrote it, each file as its name and address. Made from the window's entries alone: the proxy is
 * not asked. Pure, so it is tested in Node; the download itself is ui/save-file.ts.
 */
import type { MediaKind } from '../../protocol/wire.ts'
import type { Entry, Media } from './transcript.ts'

/** The sentences it is written with, in the widget's language (chat's `t` and the ending's). */
export type TranscriptWords = {
  heading: (site: string) => string
  savedAt: (when: string, zone: string) => string
  youSaid: string
  agentSaid: string
  joined: (name: string) => string
  agentJoined: string
  earlierLost: string
  notSent: string
  kinds: Record<MediaKind, string>
  ended: string
}

export type TranscriptFileOptions = {
  words: TranscriptWords
  /** BCP 47, for Intl: the widget's language. */
  lang: string
  /** The site the chat was on (its host name). */
  site: string
  /** When it is saved. */
  now: Date
  /** The visitor's zone; the browser's by default. */
  timeZone?: string
  ended: boolean
}

/** A file's line: its kind, its name and, when it is on the web, its address. */
function describeMedia(media: Media, kinds: TranscriptWords['kinds']): string {
  const name = media.name ?? ''
  // A blob: URL is this page's own copy of the visitor's file: useless anywhere else.
  const url = /^https?:/.test(media.url) ? media.url : ''
  return [`${kinds[media.kind]}:`, name, url && `<${url}>`].filter(Boolean).join(' ')
}

export function writeTranscript(entries: readonly Entry[], options: TranscriptFileOptions): string {
  const { words, lang, site, now } = options
  const format = new Intl.DateTimeFormat(lang, {
    dateStyle: 'short',
    timeStyle: 'short',
    ...(options.timeZone && { timeZone: options.timeZone }),
  })
  const zone = format.resolvedOptions().timeZone
  const time = (at: string) => {
    const date = new Date(at)
    return at && !Number.isNaN(date.getTime()) ? `[${format.format(date)}] ` : ''
  }
  const lines = [words.heading(site), words.savedAt(format.format(now), zone), '']
  for (const entry of entries) {
    if (entry.kind === 'gap') lines.push(words.earlierLost)
    else if (entry.kind === 'joined')
      lines.push(entry.agentName ? words.joined(entry.agentName) : words.agentJoined)
    else {
      const who =
        entry.kind === 'visitor'
          ? words.youSaid
          : entry.agentName
            ? `${entry.agentName}: `
            : words.agentSaid
      const unsent =
        entry.kind === 'visitor' && entry.delivery !== 'sent' ? ` (${words.notSent})` : ''
      const said = [entry.text, entry.media && describeMedia(entry.media, words.kinds)]
        .filter(Boolean)
        .join('\n  ')
      lines.push(`${time(entry.at)}${who}${said}${unsent}`)
    }
  }
  if (options.ended) lines.push('', words.ended)
  return `${lines.join('\n')}\n`
}

/** `chat-2026-12-07.txt`: the file's name, dated in the visitor's zone. */
export function transcriptFileName(prefix: string, now: Date): string {
  const day = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
    .map((n) => String(n).padStart(2, '0'))
    .join('-')
  return `${prefix}-${day}.txt`
}
