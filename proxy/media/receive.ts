/**
 * An upload as it streams in: counted against the size limit, its first bytes sniffed, text checked
 * to the last byte, hashed, and handed on chunk by chunk. Nothing is held beyond the sniffing
 * sample. A file that turns out too large or of a type not allowed stops the stream at once.
 */
import { createHash } from 'node:crypto'
import { createTextCheck, sampleBytes, sniff, type Verdict } from './sniff.ts'
import { textType } from './types.ts'

/** An upload as multipart hands it over: its bytes, and what the browser said about it. */
export type Upload = {
  stream: AsyncIterable<Buffer> & { truncated?: boolean }
  filename?: string
  declaredType?: string
}

export type RefusalReason = 'too-large' | 'unsupported' | 'empty'

/** An upload that is not kept. */
export class UploadRefusedError extends Error {
  override name = 'UploadRefusedError'
  readonly reason: RefusalReason
  /** What the file turned out to be, when refused for its type and anything was recognised. */
  readonly type: string | null
  constructor(reason: RefusalReason, message: string, type: string | null = null) {
    super(message)
    this.reason = reason
    this.type = type
  }
}

/** 10485760 -> "10 MiB", for messages a visitor reads. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} bytes`
}

export const tooLarge = (maxBytes: number) =>
  new UploadRefusedError('too-large', `The file is larger than ${formatBytes(maxBytes)}`)

const unsupported = (type: string | null) =>
  new UploadRefusedError(
    'unsupported',
    type ? `Files of type ${type} are not accepted here` : 'This kind of file is not accepted here',
    type,
  )

export type Received = { type: string; ext: string; size: number; sha256: string }

/**
 * Reads `upload` to its end, passing each chunk to `write`; what it was, or UploadRefusedError
 * (or the stream's own error) as soon as it is known.
 */
export async function receive(
  upload: Upload,
  write: (chunk: Buffer) => Promise<unknown>,
  { maxBytes, allowed }: { maxBytes: number; allowed: ReadonlySet<string> },
): Promise<Received> {
  const hash = createHash('sha256')
  const text = createTextCheck()
  let sample: Buffer[] = []
  let sampled = 0
  let size = 0
  let verdict: Extract<Verdict, { accepted: true }> | null = null
  const decide = async () => {
    const found = await sniff(Buffer.concat(sample), {
      allowed,
      textSoFar: text.ok,
      ...(upload.declaredType !== undefined && { declared: upload.declaredType }),
    })
    if (!found.accepted) throw unsupported(found.type)
    sample = []
    return found
  }
  for await (const chunk of upload.stream) {
    size += chunk.length
    if (size > maxBytes) throw tooLarge(maxBytes)
    text.push(chunk)
    if (!verdict) {
      sample.push(chunk)
      sampled += chunk.length
      if (sampled >= sampleBytes) verdict = await decide()
    }
    if (verdict?.type === textType && !text.ok) throw unsupported(null)
    hash.update(chunk)
    await write(chunk)
  }
  // Multipart stops a file at its own limit and says so; the count above should come first.
  if (upload.stream.truncated) throw tooLarge(maxBytes)
  if (size === 0) throw new UploadRefusedError('empty', 'The file is empty')
  verdict ??= await decide()
  if (verdict.type === textType && !text.end()) throw unsupported(null)
  return { type: verdict.type, ext: verdict.ext, size, sha256: hash.digest('base64url') }
}
