/**
 * Every name the widget uses in the visitor's browser: storage keys, Web Lock names and the
 * BroadcastChannel's name, as the proxy names its Redis keys in one place (proxy/redis/keys.ts).
 * Each carries the proxy's base URL (a lock on a conversation, its id), so two widgets of different
 * proxies on one site never mix. A renamed key forgets what browsers hold under the old one: a
 * reload would no longer resume the visitor's conversation.
 */

/** localStorage: the visitor's conversation (transport/session.ts). */
export const sessionKey = (base: string) => `zchat:session:${base}`

/** sessionStorage: whether the window was open in this tab (transport/session.ts). */
export const openKey = (base: string) => `zchat:open:${base}`

/** sessionStorage: the visitor closed or opened the proactive greeting, in this tab's session (loader.ts). */
export const greetedKey = (base: string) => `zchat:greeted:${base}`

/** localStorage: the tab the visitor looked at last, the one that plays the sound (tabs/away.ts). */
export const frontTabKey = (base: string) => `zchat:front:${base}`

/** BroadcastChannel: the tabs of one widget pass the event stream on (tabs/share-stream.ts). */
export const tabChannelName = (base: string) => `zchat:${base}`

/** Web Lock: one tab at a time starts a conversation (conversation/model.ts start). */
export const startLockName = (base: string) => `zchat:start:${base}`

/** Web Lock: held by the tab that opens a conversation's event stream (tabs/share-stream.ts). */
export const streamLockName = (conversationId: string) => `zchat:stream:${conversationId}`
