/**
 * One start at a time across the browser's tabs, under a Web Lock: two tabs on the pre-chat form
 * whose visitor writes in both start one conversation, not two (model.ts start). Inside the lock
 * the second tab cannot count on localStorage to show the first's conversation: Chromium keeps a
 * copy of it in each tab's process and updates the others' after a write, unordered with the lock
 * (the HTML spec dropped its storage mutex), and about half the time a tab granted the lock as
 * another let go read nothing of what that one saved (docs/decisions/013-many-tabs.md). So the tab
 * that started one hands it over in a lock of its own, named after it, granted before the start
 * lock is let go and held while the conversation goes on: the browser orders what it grants, so the
 * next tab's `query()` lists it. Without Web Locks (Safari before 15.4) a start runs at once, and
 * the second tab joins only if the first was faster.
 */
import type { StartLock, StoredSession } from '../conversation/ports.ts'

/** What of `navigator.locks` is used; tests pass their own. */
type Locks = Pick<LockManager, 'query'> & {
  request<T>(name: string, granted: () => Promise<T>): Promise<T>
}

export function exclusive(
  name: string,
  locks: Locks | null | undefined = globalThis.navigator?.locks,
): StartLock | undefined {
  if (!locks) return
  // save() below gives the only names under it: a change of their shape changes the prefix too.
  const prefix = `${name}:started:`
  let clear = () => {}
  return {
    run: (start) => locks.request(name, start),
    async load() {
      for (const { name = '' } of (await locks.query()).held ?? []) {
        const started =
          name.startsWith(prefix) && (JSON.parse(name.slice(prefix.length)) as StoredSession)
        if (started && Date.parse(started.expiresAt) > Date.now()) return started
      }
    },
    save(started) {
      clear()
      return new Promise((granted) => {
        void locks.request(prefix + JSON.stringify(started), () => {
          granted()
          return new Promise<void>((release) => {
            clear = release
          })
        })
      })
    },
    clear: () => clear(),
  }
}
