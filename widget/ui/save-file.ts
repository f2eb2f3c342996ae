/**
 * The visitor's copy of the conversation, saved as a file the browser downloads: made here (a Blob
 * behind an object URL), never fetched. A byte-order mark first, so that older editors on Windows
 * read it as UTF-8 (accents, emoji).
 */
import type { ConversationModel } from '../conversation/model.ts'
import { transcriptFileName, writeTranscript } from '../conversation/transcript-file.ts'
import { endingText } from '../i18n/ending.ts'
import { lang, t } from '../i18n/text.ts'

/** The object URLs given to downloads and not let go yet: an erasure lets go of them at once. */
const saved = new Set<string>()

export function forgetSaved(): void {
  for (const url of saved) URL.revokeObjectURL(url)
  saved.clear()
}

function saveText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/plain;charset=utf-8' }))
  saved.add(url)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  link.click()
  // The browser may read the Blob after click() has returned (Firefox does): let it go later.
  setTimeout(() => {
    if (saved.delete(url)) URL.revokeObjectURL(url)
  }, 30_000)
}

/** Saves what the window shows of the conversation as a text file. */
export function downloadTranscript(model: ConversationModel): void {
  const words = endingText()
  const now = new Date()
  const phase = model.phase.value.name
  const text = writeTranscript(model.transcript.value, {
    words: {
      ...t,
      heading: words.fileHeading,
      savedAt: words.savedAt,
      notSent: t.delivery.failed,
      ended: words.ended,
    },
    lang,
    site: location.hostname,
    now,
    ended: phase === 'finished' || phase === 'rating' || phase === 'rated',
  })
  saveText(transcriptFileName(words.fileName, now), text)
}
