/**
 * What ends a chat: "End this chat?", then the ending line, the rating, the visitor's record (the
 * conversation to download, by e-mail, or erased) and "Start a new chat", with their CSS; and the
 * header's Download button while the chat goes on. A part of its own, fetched once a conversation is
 * under way (mount.tsx), long before the visitor can need it.
 */
export { ChatEnded } from '../ui/ChatEnded.tsx'
export { DownloadButton } from '../ui/DownloadButton.tsx'
export { EndChatConfirm } from '../ui/EndChatConfirm.tsx'

export const css = `
.zc-bar{border:0;border-bottom:1px solid var(--zc-line);margin:0;min-width:0;padding:10px 16px;background:var(--zc-bar);font-size:14px;display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.zc-bar legend{float:left;padding:0;margin-right:auto}
.zc-rating{display:grid;gap:8px}
.zc-rating p{margin:0}
.zc-secondary[aria-pressed=true]{border-color:var(--zc-accent-text);box-shadow:inset 0 0 0 1px var(--zc-accent-text);font-weight:600}
`
