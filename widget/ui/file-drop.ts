/**
 * Dropping a file on the chat window attaches it; while one is dragged over, a hint says so
 * (DropHint.tsx, in the file preview's part). Only drags that carry files count (not text or links),
 * and only while the visitor can send one.
 */
import { useRef, useState } from 'preact/hooks'
import type { Attachment } from '../conversation/attachment.ts'

export function useFileDrop(attachment: Attachment, enabled: boolean) {
  const [over, setOver] = useState(false)
  // dragenter and dragleave fire for every child crossed: count them.
  const depth = useRef(0)
  if (!enabled || !attachment.limits.value) return { over: false, handlers: {} }
  const files = (e: DragEvent) => e.dataTransfer?.types.includes('Files') === true
  const leave = () => {
    depth.current = 0
    setOver(false)
  }
  return {
    over,
    handlers: {
      onDragEnter: (e: DragEvent) => {
        if (!files(e)) return
        e.preventDefault()
        depth.current++
        setOver(true)
      },
      onDragOver: (e: DragEvent) => {
        if (!files(e)) return
        e.preventDefault()
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
      },
      onDragLeave: (e: DragEvent) => {
        if (files(e) && --depth.current <= 0) leave()
      },
      onDrop: (e: DragEvent) => {
        if (!files(e)) return
        e.preventDefault()
        leave()
        const file = e.dataTransfer?.files[0]
        if (file) attachment.stage(file)
      },
    },
  }
}
