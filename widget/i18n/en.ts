/**
 * Every sentence the chat shows or announces, in English: the default, bundled with the chat. Other
 * languages are their own chunks (pt-BR.ts, es.ts) of the same shape, loaded before the chat renders.
 * A sentence with numbers or names is a function; `n` is already formatted for the language.
 */
import { type Forms, plural } from './plural.ts'

const one = (n: number, forms: Forms) => `${n} ${plural('en', n, forms)}`

export const en = {
  title: 'Chat with us',
  minimize: 'Minimize',
  endChat: 'End chat',
  endQuestion: 'End this chat?',
  confirmEnd: 'Yes, end chat',
  cancel: 'Cancel',
  messages: 'Messages',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  charsLeft: (n: number) => `${one(n, { one: 'character', other: 'characters' })} left`,
  charsOver: (n: number) => `${one(n, { one: 'character', other: 'characters' })} over the limit`,
  attach: 'Attach a file',
  fileToSend: 'File to send',
  caption: 'Caption (optional)',
  captionPlaceholder: 'Add a caption…',
  sendFile: 'Send file',
  remove: 'Remove',
  typeRefused: "This type of file can't be sent here.",
  tooBig: (size: string, max: string) => `This file is too big (${size}). The limit is ${max}.`,
  dropHere: 'Drop the file here to attach it',
  offlineQueued: 'You are offline; we will send when you are back.',
  waitSeconds: (n: number) =>
    `Too many messages at once. Please wait ${one(n, { one: 'second', other: 'seconds' })}, then Retry.`,
  couldNotSend: 'Could not send. Retry.',
  endFailed: "We couldn't end the chat. Please try again.",
  tooLong: (max: string) => `Your message is too long: ${max} characters at most.`,
  crashed: 'Sorry, the chat stopped working. Please reload the page.',
  ended: 'The chat has ended',
  startNew: 'Start a new chat',
  tryAgain: 'Try again',
  failure: {
    offline: "We couldn't connect to the chat. Please check your connection and try again.",
    busy: 'The chat is very busy right now. Please wait a moment and try again.',
    rejected: "Sorry, we couldn't start the chat.",
    gone: 'This chat has ended or expired.',
  },
  delivery: { sending: 'Sending…', sent: 'Sent', failed: 'Not sent' },
  retry: 'Retry',
  youSaid: 'You: ',
  agentSaid: 'Agent: ',
  theAgent: 'the agent',
  you: 'you',
  joined: (name: string) => `${name} joined the chat`,
  agentJoined: 'An agent joined the chat',
  earlierLost: 'Some earlier messages could not be recovered.',
  kinds: { image: 'Image', video: 'Video', audio: 'Audio', file: 'File' },
  sentBy: (kind: string, by: string) => `${kind} sent by ${by}`,
  openMedia: (kind: string, name: string) => `Open ${kind.toLowerCase()}: ${name}`,
  uploading: (name: string) => `Uploading ${name}`,
  cancelUploading: (name: string) => `Cancel uploading ${name}`,
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  waiting: 'Waiting for an agent…',
  queue: (n: number) =>
    `You are number ${n} in the queue${n > 1 ? ` (${one(n - 1, { one: 'person', other: 'people' })} ahead of you)` : ''}`,
  agentTyping: 'Agent is typing…',
  rate: 'Rate this chat',
  good: 'Good',
  bad: 'Bad',
  comment: 'Comment (optional)',
  sendRating: 'Send rating',
  ratingFailed: "We couldn't send your rating. Please try again.",
  thanksRating: 'Thanks for your feedback',
  fields: { name: 'Name', email: 'Email', phone: 'Phone', cpf: 'CPF' },
  prechatRequired: 'Tell us who you are, then write your message below.',
  prechatOptional: 'Tell us who you are (optional), then write your message below.',
  requiredHint: 'Fields marked * are required.',
  orLeaveEmpty: ' Or leave it empty.',
  problems: {
    name: { missing: 'Please enter your name.', invalid: 'Please enter your name.' },
    email: {
      missing: 'Please enter your email address.',
      invalid: 'Please enter a valid email address, like name@example.com.',
    },
    phone: {
      missing: 'Please enter your phone number.',
      invalid: 'Please enter a Brazilian phone number with its area code, like (11) 91234-5678.',
    },
    cpf: {
      missing: 'Please enter your CPF.',
      invalid: 'This CPF is not valid. Please check its 11 digits.',
    },
  },
  privacyPolicy: 'privacy policy',
  /** Around the privacy-policy link: [before, after]. */
  consentNotice: ['By chatting with us, you agree to our ', '.'],
  consentLabel: ['I agree to the ', ''],
  consentMissing: 'Please agree to the privacy policy to start the chat.',
  hoursIn: (hours: string, city: string) => `${hours} (${city} time)`,
}

export type Messages = typeof en
