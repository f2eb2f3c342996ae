/**
 * Request and reply bodies of the widget <-> proxy protocol. The proxy validates with these schemas;
 * the widget imports their types only (`import type`).
 */
import { z } from 'zod'
import { brazilianPhone, cpfLength, emailPattern, isCpf, withoutControls } from './checks.ts'
import { type ExtraValue, extraProblems } from './extra.ts'
import { channels, limits, moods } from './wire.ts'

/** A line the visitor typed that the agent reads as a detail: no control or format characters. */
const typedLine = (max: number) => z.string().overwrite(withoutControls).trim().max(max)

export const visitorProfile = z.strictObject({
  name: typedLine(limits.nameLength).optional(),
  email: z.email({ pattern: emailPattern }).max(limits.emailLength).optional(),
  phone: typedLine(limits.phoneLength).optional(),
  cpf: z
    .string()
    .trim()
    .max(cpfLength)
    .refine(isCpf, 'Not a valid CPF (11 digits whose check digits add up)')
    .optional(),
})
export type VisitorProfile = z.infer<typeof visitorProfile>

/**
 * Identity data the site's server signed (docs/identity.md): `payload` is base64url JSON,
 * `signature` base64url HMAC-SHA256 of `payload`. The proxy checks both (identity.ts); a missing
 * signature is refused there, as an unsigned identity, not here as a malformed body.
 */
export const signedIdentity = z.strictObject({
  payload: z.string().max(4096),
  signature: z.string().max(200).optional(),
})
export type SignedIdentity = z.infer<typeof signedIdentity>

/** The page the visitor is on. */
export const pageInfo = z.strictObject({
  url: z.string().max(2048),
  title: typedLine(300).optional(),
})

/** POST /v1/conversations */
const startFields = z.strictObject({
  department: z.int().positive().optional(),
  /** Where the agent answers: here (`web`, the default), or on WhatsApp or by SMS at `visitor.phone`. */
  channel: z.enum(channels).optional(),
  visitor: visitorProfile.optional(),
  /** A CAPTCHA token from the site's page (Turnstile, hCaptcha), when the proxy asks for one. */
  captcha: z.string().min(1).max(4096).optional(),
  /** Who the visitor is, as the site's server signed it; it overrides `visitor`. */
  identity: signedIdentity.optional(),
  /** The page the visitor is on, shown to the agent. */
  page: pageInfo.optional(),
  /** The site's own data for zChat's `extra`, keys intact (see extra.ts). */
  extra: z
    .record(z.string(), z.custom<ExtraValue>())
    .superRefine((value, ctx) => {
      for (const message of extraProblems(value)) ctx.addIssue({ code: 'custom', message })
    })
    .optional(),
  /** The visitor's previous conversation on this site, shown to the agent as earlier history. */
  previous: z
    .strictObject({ conversationId: z.string().max(200), credential: z.string().max(2048) })
    .optional(),
})
/** Answered on WhatsApp or by SMS, a phone is required: Brazilian, with its area code, as the form checks it. */
export const startBody = startFields.superRefine((body, ctx) => {
  if (body.channel && body.channel !== 'web' && !brazilianPhone(body.visitor?.phone ?? ''))
    ctx.addIssue({
      code: 'custom',
      path: ['visitor', 'phone'],
      message: `A Brazilian phone with its area code is needed to answer by ${body.channel}`,
    })
})
export type StartBody = z.infer<typeof startBody>

export const startReply = z.object({
  conversationId: z.string(),
  /** Bearer credential for every later call and the event stream. Never put it in a URL. */
  credential: z.string(),
  expiresAt: z.string(),
  /** Set when the agent answers on the visitor's phone (`channel` whatsapp or sms): where. */
  answeredOn: z.object({ channel: z.enum(['whatsapp', 'sms']), phone: z.string() }).optional(),
})
export type StartReply = z.infer<typeof startReply>

/**
 * POST /v1/conversations/:id/messages. `clientId` makes a retried send idempotent. A message is
 * text, or an upload (from POST .../uploads) with an optional caption in `text`.
 */
export const messageBody = z
  .strictObject({
    clientId: z
      .string()
      .min(8)
      .max(limits.clientIdLength)
      .regex(/^[\w-]+$/),
    text: z.string().trim().max(limits.textLength).default(''),
    upload: z
      .string()
      .regex(/^[\w-]{16,64}$/)
      .optional(),
  })
  .refine((body) => body.text !== '' || body.upload !== undefined, {
    message: 'Write some text or attach a file',
    path: ['text'],
  })
export type MessageBody = z.infer<typeof messageBody>

export const messageReply = z.object({ messageId: z.string(), eventId: z.number() })
export type MessageReply = z.infer<typeof messageReply>

/** PUT /v1/conversations/:id/rating */
export const ratingBody = z.strictObject({
  mood: z.enum(moods),
  comment: z.string().trim().max(limits.commentLength).optional(),
})
export type RatingBody = z.infer<typeof ratingBody>

/**
 * POST /v1/messages-left: no agent can take a chat (zChat said `unavailable`, or the site is
 * closed), so the visitor leaves a message for a reply by email. The proxy delivers it to the site.
 */
export const messageLeftBody = z.strictObject({
  email: z.email().max(limits.emailLength),
  name: typedLine(limits.nameLength).optional(),
  text: z.string().trim().min(1, 'Write a message').max(limits.textLength),
  department: z.int().positive().optional(),
  page: pageInfo.optional(),
  /** The conversation zChat found no agent for, if any, as the widget states it (not verified). */
  conversationId: z.string().max(200).optional(),
  /** A CAPTCHA token from the site's page, when the proxy asks for one; never passed to the site. */
  captcha: z.string().min(1).max(4096).optional(),
})
export type MessageLeftBody = z.infer<typeof messageLeftBody>

/** 202: accepted for delivery; `id` is the delivery's id, as the site receives it. */
export const messageLeftReply = z.object({ id: z.string() })
export type MessageLeftReply = z.infer<typeof messageLeftReply>

/**
 * POST /v1/conversations/:id/transcript-requests: the visitor of an ended chat asks for its
 * transcript by e-mail. The proxy delivers the transcript it keeps to the site, which sends it;
 * `language` and `timeZone` are the widget's, for the site to write it as the window did.
 */
export const transcriptRequestBody = z.strictObject({
  email: z.email({ pattern: emailPattern }).max(limits.emailLength),
  /** A BCP 47 tag: pt-BR, en, es. */
  language: z
    .string()
    .max(35)
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/)
    .optional(),
  /** An IANA zone: America/Sao_Paulo. */
  timeZone: z
    .string()
    .max(64)
    .regex(/^[\w+-]+(\/[\w+-]+)*$/)
    .optional(),
})
export type TranscriptRequestBody = z.infer<typeof transcriptRequestBody>
