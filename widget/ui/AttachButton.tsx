/**
 * "Attach a file": a real button that opens a hidden file picker, there only when the proxy takes
 * uploads. The picker offers the proxy's types; the model still checks what comes back.
 */
import { useRef } from 'preact/hooks'
import { attachmentPart } from '../chat/parts.ts'
import type { Attachment } from '../conversation/attachment.ts'
import { t } from '../i18n/text.ts'

export function AttachButton({ attachment }: { attachment: Attachment }) {
  const picker = useRef<HTMLInputElement>(null)
  const allowed = attachment.limits.value
  if (!allowed) return null
  return (
    <>
      <input
        ref={picker}
        type="file"
        hidden
        accept={allowed.types.join(',')}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0]
          // Cleared, so choosing the same file again still reports a change.
          e.currentTarget.value = ''
          if (file) attachment.stage(file)
        }}
      />
      <button
        type="button"
        class="zc-icon zc-attach"
        aria-label={t.attach}
        onClick={() => {
          // The preview's part loads while the visitor picks a file.
          void attachmentPart.prefetch()
          picker.current?.click()
        }}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
        </svg>
      </button>
    </>
  )
}
