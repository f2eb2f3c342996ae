import { crc32, inflateSync } from 'node:zlib'
import { fileTypeFromBuffer } from 'file-type'
import { describe, expect, it } from 'vitest'
import { defaultUploadTypes } from '../../proxy/media/types.ts'
import { buildMp3, buildPdf, buildPng, sampleFiles } from './media.ts'
import { buildH264Frame, buildMp4 } from './mp4.ts'

/** ISO BMFF boxes of `data` from `start` to `end`: type, where its content starts, its size. */
function boxes(data: Buffer, start = 0, end = data.length) {
  const found: { type: string; at: number; size: number }[] = []
  for (let at = start; at < end; ) {
    const size = data.readUInt32BE(at)
    expect(size, `box at ${at}`).toBeGreaterThanOrEqual(8)
    found.push({ type: data.toString('latin1', at + 4, at + 8), at: at + 8, size: size - 8 })
    at += size
    expect(at, 'boxes end where their parent does').toBeLessThanOrEqual(end)
  }
  return found
}
function child(data: Buffer, parent: { at: number; size: number }, path: string[], skip = 0) {
  let current = { at: parent.at + skip, size: parent.size - skip }
  for (const type of path) {
    const next = boxes(data, current.at, current.at + current.size).find((b) => b.type === type)
    expect(next, type).toBeDefined()
    current = next!
  }
  return current
}

describe('the sample files', () => {
  it('are each what the proxy would sniff from an upload of that type, and would take', async () => {
    for (const file of sampleFiles()) {
      const sniffed = await fileTypeFromBuffer(file.bytes)
      expect(sniffed?.mime, file.name).toBe(file.type)
      expect(defaultUploadTypes as readonly string[]).toContain(file.type)
      expect(file.bytes.length, file.name).toBeLessThan(16 * 1024)
    }
    expect(sampleFiles().map((file) => file.kind)).toEqual(['image', 'video', 'audio', 'file'])
  })

  it('PNG: valid chunk CRCs, and pixel rows that fill the declared size', () => {
    const png = buildPng(8)
    let at = 8
    const chunks: Record<string, Buffer> = {}
    while (at < png.length) {
      const length = png.readUInt32BE(at)
      const type = png.toString('latin1', at + 4, at + 8)
      const data = png.subarray(at + 8, at + 8 + length)
      expect(png.readUInt32BE(at + 8 + length), type).toBe(
        crc32(png.subarray(at + 4, at + 8 + length)),
      )
      chunks[type] = data
      at += 12 + length
    }
    expect(Object.keys(chunks)).toEqual(['IHDR', 'IDAT', 'IEND'])
    expect(chunks.IHDR!.readUInt32BE(0)).toBe(8)
    expect(inflateSync(chunks.IDAT!).length).toBe(8 * (1 + 8 * 3))
  })

  it('PDF: every cross-reference offset points at its object', () => {
    const pdf = buildPdf('a (test)').toString('latin1')
    const xref = Number(/startxref\n(\d+)/.exec(pdf)![1])
    expect(pdf.slice(xref, xref + 4)).toBe('xref')
    const offsets = [...pdf.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]))
    expect(offsets).toHaveLength(5)
    offsets.forEach((offset, index) => {
      expect(pdf.slice(offset)).toMatch(new RegExp(`^${index + 1} 0 obj\\n`))
    })
    expect(pdf).toContain('(a \\(test\\)) Tj')
  })

  it('MP3: whole frames, each with the same header', () => {
    const mp3 = buildMp3(3)
    expect(mp3.length).toBe(3 * 417)
    for (let at = 0; at < mp3.length; at += 417)
      expect(mp3.subarray(at, at + 4).toString('hex')).toBe('fffb90c4')
  })
})

describe('the H.264 frame', () => {
  it('writes the parameter sets of a published hand-made encoder, bit for bit', () => {
    // Ben Mesander's "World's smallest h.264 encoder" (128x96, Baseline, level 1.0, flags 0).
    const { sps, pps, idr } = buildH264Frame(8, 6, 0)
    expect(sps.toString('hex')).toBe('6742000af841a2')
    expect(pps.toString('hex')).toBe('68ce3880')
    // Its slice header has no dec_ref_pic_marking (its IDR is sent with nal_ref_idc 0); ours,
    // with nal_ref_idc 3, carries the two zero bits it must: 88 84 [00]21 a0 -> 88 84 08 68.
    expect(idr.subarray(0, 5).toString('hex')).toBe('6588840868')
    // Then each macroblock: 384 samples, the next one's I_PCM header `0d 00` as in the original.
    for (let mb = 1; mb < 48; mb++) {
      const at = 5 + mb * 384 + (mb - 1) * 2
      expect(idr.subarray(at, at + 2).toString('hex'), `macroblock ${mb}`).toBe('0d00')
    }
    expect(idr.length).toBe(5 + 48 * 384 + 47 * 2 + 1)
    expect(idr.at(-1)).toBe(0x80)
  })
})

describe('the MP4', () => {
  it('holds one frame where its sample table says, and the parameter sets in avcC', () => {
    const mp4 = buildMp4(32)
    const top = boxes(mp4)
    expect(top.map((b) => b.type)).toEqual(['ftyp', 'moov', 'mdat'])
    const moov = top[1]!
    const stbl = child(mp4, moov, ['trak', 'mdia', 'minf', 'stbl'])
    const stco = child(mp4, stbl, ['stco'])
    const stsz = child(mp4, stbl, ['stsz'])
    const offset = mp4.readUInt32BE(stco.at + 8)
    const size = mp4.readUInt32BE(stsz.at + 12)
    expect(offset).toBe(top[2]!.at)
    expect(offset + size).toBe(mp4.length)
    expect(mp4.readUInt32BE(offset)).toBe(size - 4)
    expect(mp4[offset + 4]).toBe(0x65)

    const { sps, pps } = buildH264Frame(2, 2)
    // stsd: version/flags and entry count, then avc1's 78 bytes of fields, then avcC.
    const avc1 = child(mp4, child(mp4, stbl, ['stsd']), ['avc1'], 8)
    expect(mp4.readUInt16BE(avc1.at + 24)).toBe(32)
    const avcC = child(mp4, avc1, ['avcC'], 78)
    const config = mp4.subarray(avcC.at, avcC.at + avcC.size)
    expect(config.subarray(8, 8 + sps.length)).toEqual(sps)
    expect(config.subarray(11 + sps.length)).toEqual(pps)
  })
})
