/**
 * What the logs hold about a visitor (LGPD): a visitor with a name and an email address sends a
 * document whose name is their name and CPF, an agent opens it, and a message they leave is refused
 * by the site. The log says what happened, by ids; the visitor's words stay out of it, and the
 * refused message is kept apart, as a dead letter, for the operator.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routes, type UploadReply } from '../../protocol/wire.ts'
import { createFolderDeadLetters } from '../messages-left/dead-letters.ts'
import {
  fileForm,
  type ProductionHarness,
  samplePng,
  siteOrigin,
  startProduction,
} from '../testing/harness.ts'
import { type Receiver, startReceiver } from '../testing/site-inbox.ts'

const secret = 'the-site-secret-0123456789abcdefghij'
const visitor = { name: 'Maria Souza', email: 'maria.souza@example.com' }
const fileName = 'RG_Maria_123.456.789-00.png'
const said = 'Meu pedido 4471 não chegou, moro na Rua das Flores 12'
const left = 'Please call me back about order 4471'

let p: ProductionHarness
let receiver: Receiver
let dir: string
const logs: string[] = []
let mediaId = ''
let changed = () => {}
/** Resolves once a log line matches. */
const logged = (pattern: RegExp) =>
  new Promise<void>((resolve) => {
    changed = () => {
      if (logs.some((line) => pattern.test(line))) resolve()
    }
    changed()
  })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zchat-personal-'))
  // The site refuses the left message: it has nowhere to go but the dead letters.
  receiver = await startReceiver({ secret, statuses: [422] })
  p = await startProduction({
    leaveMessage: { url: receiver.url, secret },
    deadLetterDir: dir,
    logDestination: {
      write: (line: string) => {
        logs.push(line)
        changed()
      },
    },
  })
  const base = p.proxy.url
  const json = { origin: siteOrigin, 'content-type': 'application/json' }
  const started = await fetch(`${base}${routes.start}`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ department: 1, visitor }),
  })
  const { conversationId, credential } = (await started.json()) as {
    conversationId: string
    credential: string
  }
  const auth = { origin: siteOrigin, authorization: `Bearer ${credential}` }
  const upload = await fetch(`${base}${routes.uploads(conversationId)}`, {
    method: 'POST',
    headers: auth,
    body: fileForm(samplePng(), fileName, 'image/png'),
  })
  const file = (await upload.json()) as UploadReply
  mediaId = file.uploadId
  await fetch(`${base}${routes.messages(conversationId)}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: 'personal-0001', text: said, upload: file.uploadId }),
  })
  // An agent opens the document, by the URL zChat was given; and asks for it with a query.
  await (await fetch(file.url)).arrayBuffer()
  await (await fetch(`${file.url}?download=1`)).arrayBuffer()
  const leaving = await fetch(`${base}${routes.messagesLeft}`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ ...visitor, text: left }),
  })
  expect(leaving.status).toBe(202)
  await logged(/LEAVE_MESSAGE_URL refused a left message/)
}, 30_000)
afterAll(async () => {
  await p?.close()
  await receiver?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('what the logs hold about a visitor', () => {
  it('is what happened, by ids: no name, email, words, file name or media id', () => {
    const everything = logs.join('')
    expect(logs.filter((line) => line.includes('/media/'))).toHaveLength(2)
    for (const personal of [
      visitor.name,
      'Maria',
      visitor.email,
      '123.456.789',
      fileName,
      said,
      'Rua das Flores',
      left,
      mediaId,
    ]) {
      expect(everything, personal).not.toContain(personal)
    }
  })

  it('keeps the refused left message apart, as a dead letter, logged by its id', async () => {
    const [letter] = await createFolderDeadLetters({ dir, retentionMs: 60_000 }).list()
    expect(letter).toMatchObject({
      outcome: 'rejected',
      message: { email: visitor.email, name: visitor.name, text: left },
    })
    expect(logs.some((line) => line.includes(letter!.message.id))).toBe(true)
  })
})
