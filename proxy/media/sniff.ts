/**
 * What a file is, from its first bytes: never from its name or the type the browser declared.
 * Binary formats by their magic numbers (file-type); text, which has none, by being valid UTF-8
 * with no NUL byte and no markup at its start (an HTML page renamed `photo.png` is refused).
 */
import { fileTypeFromBuffer } from 'file-type'
import { audioTwins, normalizeType, textType } from './types.ts'

/** Bytes read before deciding; file-type's own sample size for streams. */
export const sampleBytes = 4100

export type Verdict =
  | { accepted: true; type: string; ext: string }
  /** `type`: what it turned out to be, when anything; for the refusal's message. */
  | { accepted: false; type: string | null }

/** Valid UTF-8 without NUL, checked chunk by chunk as the file streams past. */
export type TextCheck = { push(chunk: Uint8Array): void; end(): boolean; readonly ok: boolean }

export function createTextCheck(): TextCheck {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let ok = true
  return {
    push(chunk) {
      if (!ok) return
      if (chunk.includes(0)) ok = false
      else {
        try {
          decoder.decode(chunk, { stream: true })
        } catch {
          ok = false
        }
      }
    },
    end() {
      if (ok) {
        try {
          // A sequence cut off by the end of the file throws here.
          decoder.decode()
        } catch {
          ok = false
        }
      }
      return ok
    },
    get ok() {
      return ok
    },
  }
}

/**
 * Tags that make a browser (or an old one's sniffer) take text for a page or an image: what the
 * WHATWG sniffing algorithm looks for, plus XML and SVG. Anywhere in the sample, not only first.
 */
const markup =
  /<\s*(?:!doctype|!--|\?xml|html|head|body|script|style|iframe|frame|object|embed|svg|math|img|meta|link|base|form|title|div|table|font|a|b|p|br|h1)[\s/>]/i

export function looksLikeMarkup(sample: Uint8Array): boolean {
  return markup.test(new TextDecoder('utf-8').decode(sample))
}

/**
 * The verdict on a file whose first bytes are `sample` (the whole file when it is shorter).
 * `textSoFar`: whether the bytes seen so far are valid text; `declared`: the browser's type, which
 * may only pick a container's audio-only twin (types.ts `audioTwins`).
 */
export async function sniff(
  sample: Uint8Array,
  {
    allowed,
    declared,
    textSoFar,
  }: { allowed: ReadonlySet<string>; declared?: string; textSoFar: boolean },
): Promise<Verdict> {
  const found = await fileTypeFromBuffer(sample)
  if (found) {
    let type = normalizeType(found.mime)
    const twin = audioTwins[type]
    if (twin && declared !== undefined && normalizeType(declared) === twin) type = twin
    return allowed.has(type) ? { accepted: true, type, ext: found.ext } : { accepted: false, type }
  }
  if (textSoFar && !looksLikeMarkup(sample)) {
    return allowed.has(textType)
      ? { accepted: true, type: textType, ext: 'txt' }
      : { accepted: false, type: textType }
  }
  return { accepted: false, type: null }
}
