/**
 * The file types the proxy can recognise by their content, which of them it takes by default, and
 * how each is shown: its kind for zChat, its file extension, and whether a browser may render it.
 */
import { supportedMimeTypes } from 'file-type'
import type { MediaKind } from '../../protocol/wire.ts'

/**
 * Taken unless UPLOAD_TYPES says otherwise: pictures, voice notes and clips browsers play, PDF and
 * plain text. Nothing a browser executes (no HTML, SVG, XML): file-type cannot even tell those.
 */
export const defaultUploadTypes = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/pdf',
  'audio/mpeg',
  'audio/ogg',
  'audio/mp4',
  'audio/webm',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'text/plain',
] as const

/** file-type's names for what the rest of the world calls otherwise. */
const aliases: Record<string, string> = {
  'audio/x-m4a': 'audio/mp4',
}

/** `audio/ogg; codecs=opus` -> `audio/ogg`; aliases to their usual name. */
export function normalizeType(type: string): string {
  const bare = type.split(';')[0]!.trim().toLowerCase()
  return aliases[bare] ?? bare
}

/**
 * A container's magic bytes say WebM or MP4, not whether it holds pictures: a voice note recorded
 * by a browser sniffs as video/webm (Chrome) or video/mp4 (Safari). The browser's declared type
 * may narrow a sniffed container to its audio-only twin, and nothing more.
 */
export const audioTwins: Readonly<Record<string, string>> = {
  'video/webm': 'audio/webm',
  'video/mp4': 'audio/mp4',
  'video/ogg': 'audio/ogg',
}

/** Text has no magic number: sniff.ts recognises it by its content instead. */
export const textType = 'text/plain'

const knownTypes: ReadonlySet<string> = new Set([
  ...[...supportedMimeTypes].map(normalizeType),
  ...Object.values(audioTwins),
  textType,
])

/** A type the sniffer can return, so one worth allowing. */
export function isKnownType(type: string): boolean {
  return knownTypes.has(type)
}

export function kindOf(type: string): MediaKind {
  if (type.startsWith('image/')) return 'image'
  if (type.startsWith('video/')) return 'video'
  if (type.startsWith('audio/')) return 'audio'
  return 'file'
}

/**
 * Shown in the browser tab (inline), or only downloaded (attachment). Pictures, sound and video
 * cannot run code. PDF could be shown, but Chrome and Safari refuse to render it under the
 * sandbox every media answer carries (routes/media.ts), so it is downloaded like everything else.
 */
export function isInline(type: string): boolean {
  return (
    (type.startsWith('image/') && !type.includes('svg')) ||
    type.startsWith('audio/') ||
    type.startsWith('video/')
  )
}

/** Extensions a file of this type may keep; the first is the one it gets when its own is wrong. */
const extensions: Record<string, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'audio/mpeg': ['mp3'],
  'audio/ogg': ['ogg', 'oga', 'opus'],
  'audio/mp4': ['m4a', 'mp4', 'aac'],
  'audio/webm': ['webm', 'weba'],
  'video/mp4': ['mp4', 'm4v'],
  'video/webm': ['webm'],
  'video/ogg': ['ogv', 'ogg'],
  'video/quicktime': ['mov', 'qt'],
  'text/plain': ['txt', 'log'],
}

/** The extensions a file of `type` may carry; `sniffedExt` is file-type's own, for the others. */
export function extensionsOf(type: string, sniffedExt?: string): readonly string[] {
  return extensions[type] ?? (sniffedExt ? [sniffedExt] : [])
}
