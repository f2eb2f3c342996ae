/**
 * What the page says of the visitor (`zchat('identify', ...)`, `data-identity`), read: its details
 * and its signed identity. A part of its own (docs/decisions/009-size-budgets.md): most pages say
 * nothing, and their visitors never fetch it; the loader asks for it with the chat on a page that
 * has said anything by then, and mount.tsx fetches it when the page speaks later.
 */
export { askIdentity, readIdentity } from './identity.ts'
export { mergeProfiles } from './site-profile.ts'
