/**
 * One polite live region that stays mounted, so screen readers announce each change of it:
 * connecting, the queue, the agent typing, a dropped connection.
 */

import { livePart } from '../chat/parts.ts'
import { isLive } from '../conversation/machine.ts'
import type { ConversationModel } from '../conversation/model.ts'
import { t } from '../i18n/text.ts'
import { PartSlot } from './PartSlot.tsx'
import { QueueStatus } from './QueueStatus.tsx'

export function StatusLine({ model }: { model: ConversationModel }) {
  const phase = model.phase.value
  const reconnecting = model.connection.value === 'reconnecting' && isLive(phase)
  return (
    <div class="zc-status" role="status">
      {reconnecting ? (
        t.reconnecting
      ) : phase.name === 'starting' ? (
        t.connecting
      ) : phase.name === 'queued' ? (
        <QueueStatus position={phase.position} />
      ) : phase.name === 'chatting' && phase.agentTyping ? (
        <PartSlot part={livePart}>{({ TypingIndicator }) => <TypingIndicator />}</PartSlot>
      ) : null}
    </div>
  )
}
