/**
 * Runs one thing at a time across the browser's tabs, under a Web Lock: two tabs on the pre-chat
 * form whose visitor writes in both start one conversation, not two (model.ts start). Without Web
 * Locks (Safari before 15.4) it runs at once, and the second tab joins only if the first was faster.
 */
export function exclusive(name: string, locks = globalThis.navigator?.locks) {
  return <T>(run: () => Promise<T>): Promise<T> => (locks ? locks.request(name, run) : run())
}
