/**
 * Preloaded into the processes the bench measures (`--import`): on a message from the bench over
 * IPC it answers with the CPU time used so far, or collects garbage and answers with the memory figures (or writes a heap snapshot), so the
 * bench reads the heap of the process it loads, not its own. Plain JavaScript, like the built
 * proxy: a TypeScript loader would add its own objects to every function it compiles.
 */
import { writeHeapSnapshot } from 'node:v8'

const collect = globalThis.gc

process.on('message', (message) => {
  if (typeof message === 'object' && message && 'snapshot' in message) {
    collect?.()
    writeHeapSnapshot(String(message.snapshot))
    process.send?.('written')
    return
  }
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage()
    process.send?.({ cpuMicros: user + system })
    return
  }
  if (message !== 'memory') return
  collect?.()
  collect?.()
  const { rss, heapUsed } = process.memoryUsage()
  process.send?.({ rss, heapUsed })
})
// The IPC channel must not keep a process alive that is done, and a process whose bench is gone
// (stopped, or crashed) goes too: nothing stays on its port.
process.channel?.unref()
process.on('disconnect', () => process.exit(0))
