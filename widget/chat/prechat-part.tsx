/**
 * The pre-chat form (`data-prechat`, the privacy consent) and its CSS: a part of its own, fetched
 * with the chat only when the window opens on a new conversation (mount.tsx), so a returning visitor
 * in the middle of a chat never pays for it.
 */
export { PrechatForm } from '../ui/PrechatForm.tsx'

export const css = `
.zc-form .zc-hint{color:var(--zc-muted);font-weight:400}
fieldset.zc-form{border:0;margin:0;min-width:0}
.zc-form legend{float:left;padding:0;margin:0 0 2px;font-size:13px;color:var(--zc-muted)}
.zc-consent{display:flex;gap:8px;align-items:center}
.zc-form .zc-consent input{width:auto;margin:0}
`
