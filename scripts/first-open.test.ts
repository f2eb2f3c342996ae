import type { Manifest } from 'vite'
import { describe, expect, it } from 'vitest'
import { firstOpen } from './first-open.ts'

/** A chat build's manifest: the entry, a chunk it imports statically, and the parts. */
const manifest: Manifest = {
  'widget/chat/mount.tsx': { file: 'chat-1.js', isEntry: true, imports: ['_shared-1.js'] },
  '_shared-1.js': { file: 'shared-1.js' },
  '_decode-1.js': { file: 'decode-1.js', imports: ['widget/chat/mount.tsx'] },
  'widget/chat/prechat-part.tsx': {
    file: 'prechat-part-1.js',
    isDynamicEntry: true,
    imports: ['widget/chat/mount.tsx', '_shared-1.js'],
  },
  'widget/chat/live-part.ts': {
    file: 'live-part-1.js',
    isDynamicEntry: true,
    imports: ['widget/chat/mount.tsx', '_decode-1.js'],
  },
  'widget/chat/identity-part.ts': {
    file: 'identity-part-1.js',
    isDynamicEntry: true,
    imports: ['widget/chat/mount.tsx'],
  },
  'widget/i18n/en.ts': { file: 'en-1.js', isDynamicEntry: true },
  'widget/i18n/pt-br.ts': { file: 'pt-br-1.js', isDynamicEntry: true },
  'widget/i18n/es.ts': { file: 'es-1.js', isDynamicEntry: true },
}

describe('firstOpen', () => {
  it("lists beside the chat what it imports statically and each part's own files, never twice", () => {
    expect(firstOpen(manifest)).toEqual({
      entry: 'chat-1.js',
      onOpen: ['chat-1.js', 'shared-1.js'],
      all: ['shared-1.js'],
      prechat: ['prechat-part-1.js'],
      live: ['live-part-1.js', 'decode-1.js'],
      identity: ['identity-part-1.js'],
      en: ['en-1.js'],
      'pt-BR': ['pt-br-1.js'],
      es: ['es-1.js'],
    })
  })

  it('stops the build when a part it must list is not in the manifest', () => {
    const { 'widget/i18n/es.ts': _, ...withoutSpanish } = manifest
    expect(() => firstOpen(withoutSpanish)).toThrow(/widget\/i18n\/es\.ts/)
  })
})
