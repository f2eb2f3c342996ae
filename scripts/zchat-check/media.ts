/**
 * The sample files the check sends to zChat as image, video, audio and file messages: small,
 * real files built here byte by byte (no binary in the repository), each of the type the proxy
 * itself would sniff from a visitor's upload (proxy/media/types.ts), so zChat sees what it
 * would see from a visitor.
 */
import { crc32, deflateSync } from 'node:zlib'
import { buildMp4 } from './mp4.ts'

export type SampleKind = 'image' | 'video' | 'audio' | 'file'

export type SampleFile = {
  kind: SampleKind
  /** The file's name in its URL, as the proxy's /media/:id/:name. */
  name: string
  type: string
  bytes: Buffer
}

// ---- PNG --------------------------------------------------------------------------------------

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typeAndData))
  return Buffer.concat([length, typeAndData, crc])
}

/** A `size`-pixel square, RGB, 8 bits: a green tick-coloured gradient. */
export function buildPng(size = 32): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.writeUInt8(8, 8) // bit depth
  header.writeUInt8(2, 9) // colour type: RGB
  // compression, filter and interlace methods: 0
  const rows: Buffer[] = []
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3) // filter byte 0: none
    for (let x = 0; x < size; x++) {
      row[1 + x * 3] = 40
      row[2 + x * 3] = 120 + Math.round((135 * x) / size)
      row[3 + x * 3] = 60 + Math.round((100 * y) / size)
    }
    rows.push(row)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

// ---- MP3 --------------------------------------------------------------------------------------

/**
 * `frames` MPEG-1 Layer III frames of silence (about 26 ms each): 128 kbit/s, 44.1 kHz, mono.
 * A frame whose side information is all zero carries no Huffman data, which decodes as silence.
 */
export function buildMp3(frames = 20): Buffer {
  // 144 * 128000 / 44100 = 417 bytes without padding.
  const frameBytes = 417
  const frame = Buffer.alloc(frameBytes)
  // Sync, MPEG-1, Layer III, no CRC | 128 kbit/s, 44.1 kHz, no padding | mono, original.
  frame.set([0xff, 0xfb, 0x90, 0xc4])
  return Buffer.concat(Array.from({ length: frames }, () => frame))
}

// ---- PDF --------------------------------------------------------------------------------------

/** One page saying `text`, with a cross-reference table whose offsets are counted, not guessed. */
export function buildPdf(text = 'zchat:check'): Buffer {
  const escaped = text.replace(/[\\()]/g, (c) => `\\${c}`)
  const content = `BT /F1 24 Tf 24 40 Td (${escaped}) Tj ET`
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let body = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'))
    body += `${index + 1} 0 obj\n${object}\nendobj\n`
  })
  const xref = Buffer.byteLength(body, 'latin1')
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

// ---- The set ----------------------------------------------------------------------------------

/** One file per media message type, as the proxy would serve a visitor's upload of that kind. */
export function sampleFiles(): SampleFile[] {
  return [
    { kind: 'image', name: 'zchat-check.png', type: 'image/png', bytes: buildPng() },
    { kind: 'video', name: 'zchat-check.mp4', type: 'video/mp4', bytes: buildMp4() },
    { kind: 'audio', name: 'zchat-check.mp3', type: 'audio/mpeg', bytes: buildMp3() },
    { kind: 'file', name: 'zchat-check.pdf', type: 'application/pdf', bytes: buildPdf() },
  ]
}
