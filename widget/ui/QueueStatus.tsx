import { t } from '../i18n/text.ts'

/** While waiting for an agent, inside the window's status line: the queue position when known. */
export function QueueStatus({ position }: { position: number | null }) {
  return <span>{position === null ? t.waiting : t.queue(position)}</span>
}
