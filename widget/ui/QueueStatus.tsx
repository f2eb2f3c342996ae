/** While waiting for an agent, inside the window's status line: the queue position when known. */
export function QueueStatus({ position }: { position: number | null }) {
  return (
    <span>
      {position === null ? 'Waiting for an agent…' : `You are number ${position} in the queue`}
    </span>
  )
}
