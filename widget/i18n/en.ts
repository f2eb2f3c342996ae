/**
 * Every sentence the chat shows or announces, in English: the default, a chunk of its own like the
 * other languages (pt-BR.ts, es.ts, of the same shape), loaded before the chat renders.
 * A sentence with numbers or names is a function; `n` is already formatted for the language.
 */
/** A word's two forms: one (1 in English) and the other counts; pt and es pick theirs through Intl. */
export type Forms = { one: string; other: string }

// English has one form for 1 and another for every other count: no Intl.PluralRules needed.
const one = (n: number, forms: Forms) => `${n} ${n === 1 ? forms.one : forms.other}`

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
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  waiting: 'Waiting for an agent…',
  queue: (n: number) =>
    `You are number ${n} in the queue${n > 1 ? ` (${one(n - 1, { one: 'person', other: 'people' })} ahead of you)` : ''}`,
  fields: { name: 'Name', email: 'Email', phone: 'Phone', cpf: 'CPF' },
  /** The pre-chat form's (chat/prechat-part.tsx): every new conversation opens on it. */
  prechat: {
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
  },
}

export type Messages = typeof en
