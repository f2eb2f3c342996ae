/**
 * What ends a chat: "End this chat?", then the ending line, the rating and "Start a new chat", with
 * their CSS. A part of its own, fetched once a conversation is under way (mount.tsx), long before the
 * visitor can need it.
 */
export { ChatEnded } from '../ui/ChatEnded.tsx'
export { EndChatConfirm } from '../ui/EndChatConfirm.tsx'

export const css = `
.zc-bar{border:0;border-bottom:1px solid #e3e5e8;margin:0;min-width:0;padding:10px 16px;background:#f4f5f7;font-size:14px;display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.zc-bar legend{float:left;padding:0;margin-right:auto}
.zc-rating{display:grid;gap:8px}
.zc-rating p{margin:0}
.zc-secondary[aria-pressed=true]{border-color:var(--zc-accent-text);box-shadow:inset 0 0 0 1px var(--zc-accent-text);font-weight:600}
`
