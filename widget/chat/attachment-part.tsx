/**
 * The visitor's files past the "Attach a file" button: the preview, the words of the message box
 * while it is a file's caption, the drop hint, the upload (XMLHttpRequest, for its progress) and its
 * progress bar, with their CSS. A part of its own, fetched at the first file picked, dropped or
 * pasted, or as soon as the visitor reaches for the button.
 */
export { attachmentText } from '../i18n/attachment.ts'
export { createUploader } from '../transport/upload.ts'
export { AttachmentPreview } from '../ui/AttachmentPreview.tsx'
export { DropHint } from '../ui/DropHint.tsx'
export { UploadProgress } from '../ui/UploadProgress.tsx'

export const css = `
.zc-media .zc-thumb,.zc-thumb{max-height:120px;border-radius:8px}
.zc-file{display:flex;gap:6px;align-items:center}
.zc-file svg{width:20px;height:20px;fill:currentColor;flex:none}
.zc-progress{display:block;align-self:stretch;min-width:96px;height:4px;border-radius:2px;background:rgba(127,127,127,.4);overflow:hidden}
.zc-progress span{display:block;height:100%;background:currentColor}
.zc-preview{display:flex;flex-wrap:wrap;gap:8px;align-items:center;min-width:0;margin:0;border:0;padding:10px 12px 0}
.zc-drop{position:absolute;inset:0;display:grid;place-items:center;padding:24px;text-align:center;font-weight:600;background:var(--zc-veil);border:2px dashed var(--zc-accent-text);border-radius:inherit;pointer-events:none}
`
