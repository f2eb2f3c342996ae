/**
 * Preloaded into the processes the bench measures (`--import`): on a message from the bench over
 * IPC it collects garbage and answers with the memory figures, so the bench reads the heap of the
 * process it loads, not its own.
 */
const collect = (globalThis as { gc?: () => void }).gc

process.on('message', (message) => {
  if (message !== 'memory') return
  collect?.()
  collect?.()
  const { rss, heapUsed } = process.memoryUsage()
  process.send?.({ rss, heapUsed })
})
// The IPC channel must not keep a process alive that is done, nor stop one that is not.
process.channel?.unref()
