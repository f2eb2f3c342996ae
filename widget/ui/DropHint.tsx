/** While a file is dragged over the chat window: "Drop the file here to attach it". */
import { attachmentText } from '../i18n/attachment.ts'

export function DropHint() {
  const words = attachmentText()
  return <div class="zc-drop">{words.dropHere}</div>
}
