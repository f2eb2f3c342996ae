import { describe, expect, it } from 'vitest'
import { sampleMp3, samplePdf, samplePng, sampleWebm } from '../testing/harness.ts'
import { createTextCheck, looksLikeMarkup, sniff } from './sniff.ts'
import { defaultUploadTypes } from './types.ts'

const allowed: ReadonlySet<string> = new Set(defaultUploadTypes)
const text = (value: string) => Buffer.from(value)

describe('sniff', () => {
  it('knows binary files by their magic numbers, whatever they claim to be', async () => {
    expect(
      await sniff(samplePng(), { allowed, textSoFar: false, declared: 'application/pdf' }),
    ).toEqual({
      accepted: true,
      type: 'image/png',
      ext: 'png',
    })
    expect(await sniff(samplePdf(), { allowed, textSoFar: true })).toMatchObject({
      type: 'application/pdf',
    })
    expect(await sniff(sampleMp3(), { allowed, textSoFar: false })).toMatchObject({
      type: 'audio/mpeg',
    })
  })

  it('lets the browser say a WebM holds only sound, and say nothing else', async () => {
    const webm = sampleWebm()
    expect(await sniff(webm, { allowed, textSoFar: false })).toMatchObject({ type: 'video/webm' })
    expect(
      await sniff(webm, { allowed, textSoFar: false, declared: 'audio/webm;codecs=opus' }),
    ).toMatchObject({
      type: 'audio/webm',
    })
    expect(await sniff(webm, { allowed, textSoFar: false, declared: 'image/png' })).toMatchObject({
      type: 'video/webm',
    })
    expect(
      await sniff(samplePng(), { allowed, textSoFar: false, declared: 'audio/webm' }),
    ).toMatchObject({
      type: 'image/png',
    })
  })

  it('takes text only when it is valid UTF-8 and carries no markup', async () => {
    expect(await sniff(text('Olá, tudo bem?\n'), { allowed, textSoFar: true })).toEqual({
      accepted: true,
      type: 'text/plain',
      ext: 'txt',
    })
    expect(await sniff(text('<html><script>x</script>'), { allowed, textSoFar: true })).toEqual({
      accepted: false,
      type: null,
    })
    expect(await sniff(Buffer.from([0xc3, 0x28]), { allowed, textSoFar: false })).toMatchObject({
      accepted: false,
    })
  })

  it('refuses a type that is known but not allowed, and says which', async () => {
    const zip = Buffer.from('504b030414000000080000000000', 'hex')
    expect(await sniff(zip, { allowed, textSoFar: false })).toEqual({
      accepted: false,
      type: 'application/zip',
    })
    const noText: ReadonlySet<string> = new Set(['image/png'])
    expect(await sniff(text('hello'), { allowed: noText, textSoFar: true })).toEqual({
      accepted: false,
      type: 'text/plain',
    })
  })
})

describe('looksLikeMarkup', () => {
  it('finds pages, SVG and XML anywhere in the sample, in any case', () => {
    for (const sample of [
      '<!DOCTYPE html>',
      '\ufeff  <HTML>',
      'notes\n<script src=x>',
      '<svg xmlns="http://www.w3.org/2000/svg">',
      '<?xml version="1.0"?>',
      'see <a href="https://x">',
      '<!-- comment -->',
    ])
      expect(looksLikeMarkup(text(sample)), sample).toBe(true)
  })

  it('leaves ordinary text with angle brackets alone', () => {
    for (const sample of ['2 < 3 and 5 > 4', 'email <ana@example.com>', '<<< not a tag >>>'])
      expect(looksLikeMarkup(text(sample)), sample).toBe(false)
  })
})

describe('createTextCheck', () => {
  it('accepts UTF-8 split anywhere across chunks', () => {
    const bytes = text('Endereço: São Paulo 🙂')
    const check = createTextCheck()
    for (const byte of bytes) check.push(Uint8Array.of(byte))
    expect(check.end()).toBe(true)
  })

  it('refuses a NUL byte, an invalid sequence, and one cut off at the end', () => {
    for (const chunks of [
      [text('ab'), Uint8Array.of(0), text('cd')],
      [Uint8Array.of(0xff, 0xfe)],
      [text('ok'), Uint8Array.of(0xe2, 0x82)],
    ]) {
      const check = createTextCheck()
      for (const chunk of chunks) check.push(chunk)
      expect(check.end()).toBe(false)
    }
  })
})
