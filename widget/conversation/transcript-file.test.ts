import { describe, expect, it } from 'vitest'
import type { Entry } from './transcript.ts'
import { transcriptFileName, writeTranscript } from './transcript-file.ts'

const words = {
  heading: (site: string) => `Conversa em ${site}`,
  savedAt: (when: string, zone: string) => `Salva em ${when} (horário de ${zone})`,
  youSaid: 'Você: ',
  agentSaid: 'Atendente: ',
  joined: (name: string) => `${name} entrou na conversa`,
  agentJoined: 'Um atendente entrou na conversa',
  earlierLost: 'Não foi possível recuperar algumas mensagens anteriores.',
  notSent: 'Não enviada',
  kinds: { image: 'Imagem', video: 'Vídeo', audio: 'Áudio', file: 'Arquivo' },
  ended: 'A conversa foi encerrada',
}

const entries: Entry[] = [
  { kind: 'gap' },
  {
    kind: 'visitor',
    clientId: 'c1',
    text: 'Meu pedido não chegou',
    at: '2026-12-07T13:01:00.000Z',
    delivery: 'sent',
  },
  { kind: 'joined' },
  { kind: 'joined', agentName: 'Ana' },
  {
    kind: 'agent',
    messageId: 'a1',
    agentName: 'Ana',
    text: 'Veja a etiqueta',
    at: '2026-12-07T13:02:00.000Z',
    media: {
      kind: 'image',
      url: 'https://chat.example/media/abc/etiqueta.png',
      name: 'etiqueta.png',
    },
  },
  { kind: 'agent', messageId: 'a2', text: 'Mais algo?', at: '2026-12-07T13:03:00.000Z' },
  {
    kind: 'visitor',
    clientId: 'c2',
    text: '',
    at: '2026-12-07T13:04:00.000Z',
    delivery: 'failed',
    // The page's own copy of the visitor's file: no address worth keeping.
    media: { kind: 'file', url: 'blob:https://shop.example/1234', name: 'nota.pdf' },
  },
]

describe('the downloaded conversation', () => {
  it('holds every message as the window shows it, in the language, times in the visitor’s zone, files as links', () => {
    const text = writeTranscript(entries, {
      words,
      lang: 'pt-BR',
      site: 'shop.example',
      now: new Date('2026-12-07T13:05:00.000Z'),
      timeZone: 'America/Sao_Paulo',
      ended: true,
    })
    expect(text).toBe(
      [
        'Conversa em shop.example',
        'Salva em 07/12/2026, 10:05 (horário de America/Sao_Paulo)',
        '',
        'Não foi possível recuperar algumas mensagens anteriores.',
        '[07/12/2026, 10:01] Você: Meu pedido não chegou',
        'Um atendente entrou na conversa',
        'Ana entrou na conversa',
        '[07/12/2026, 10:02] Ana: Veja a etiqueta',
        '  Imagem: etiqueta.png <https://chat.example/media/abc/etiqueta.png>',
        '[07/12/2026, 10:03] Atendente: Mais algo?',
        '[07/12/2026, 10:04] Você: Arquivo: nota.pdf (Não enviada)',
        '',
        'A conversa foi encerrada',
        '',
      ].join('\n'),
    )
  })

  it('names the file after the day, and leaves out the end while the chat goes on', () => {
    expect(transcriptFileName('conversa', new Date(2026, 11, 7, 23, 59))).toBe(
      'conversa-2026-12-07.txt',
    )
    const text = writeTranscript(entries.slice(1, 2), {
      words,
      lang: 'en',
      site: 's',
      now: new Date(),
      ended: false,
    })
    expect(text).not.toContain(words.ended)
    expect(text).toContain('Você: Meu pedido não chegou')
  })
})
