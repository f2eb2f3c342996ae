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
  cancel: 'Cancel',
  messages: 'Messages',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  charsLeft: (n: number) => `${one(n, { one: 'character', other: 'characters' })} left`,
  charsOver: (n: number) => `${one(n, { one: 'character', other: 'characters' })} over the limit`,
  attach: 'Attach a file',
  offlineQueued: 'You are offline; we will send when you are back.',
  waitSeconds: (n: number) =>
    `Too many messages at once. Please wait ${one(n, { one: 'second', other: 'seconds' })}, then Retry.`,
  couldNotSend: 'Could not send. Retry.',
  refused: {
    'file-gone': 'This file is no longer available. Please attach it again.',
    refused: "This message can't be sent as it is.",
    declined: "The chat service didn't accept this message. You can write again.",
  },
  endFailed: "We couldn't end the chat. Please try again.",
  tooLong: (max: string) => `Your message is too long: ${max} characters at most.`,
  crashed: 'Sorry, the chat stopped working. Please reload the page.',
  partFailed: "This part of the chat didn't load. Check your connection.",
  startNew: 'Start a new chat',
  tryAgain: 'Try again',
  failure: {
    offline: "We couldn't connect to the chat. Please check your connection and try again.",
    busy: 'The chat is very busy right now. Please wait a moment and try again.',
    rejected: "Sorry, we couldn't start the chat.",
    gone: 'This chat has ended or expired.',
  },
  delivery: { sending: 'Sending…', sent: 'Sent', failed: 'Not sent', refused: 'Not sent' },
  retry: 'Retry',
  remove: 'Remove',
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
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  waiting: 'Waiting for an agent…',
  queue: (n: number) =>
    `You are number ${n} in the queue${n > 1 ? ` (${one(n - 1, { one: 'person', other: 'people' })} ahead of you)` : ''}`,
  agentTyping: 'Agent is typing…',
  fields: { name: 'Name', email: 'Email', phone: 'Phone', cpf: 'CPF' },
  hoursIn: (hours: string, city: string) => `${hours} (${city} time)`,
}

export type Messages = typeof en
