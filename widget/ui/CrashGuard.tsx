/**
 * Last line of defence: a bug in rendering must not leave a broken window or reach the host page's
 * error tracking as ours. The visitor gets a sentence; the console one prefixed warning.
 */
import type { ComponentChildren } from 'preact'
import { useErrorBoundary } from 'preact/hooks'
import { t } from '../i18n/text.ts'
import { warn } from '../warn.ts'

export function CrashGuard({ title, children }: { title: string; children: ComponentChildren }) {
  const [error] = useErrorBoundary((e: unknown) => warn('the chat window failed', e))
  if (!error) return <>{children}</>
  return (
    <div class="zc-window" role="dialog" aria-label={title}>
      <p class="zc-alert" role="alert">
        {t.crashed}
      </p>
    </div>
  )
}
