/**
 * Ids for the visitor's messages, so a retried send is not posted twice. getRandomValues works on
 * plain-http pages too, where crypto.randomUUID does not exist.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
