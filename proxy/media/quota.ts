/**
 * The bytes of uploads kept, against MEDIA_QUOTA_BYTES: every file the store keeps, sent or not.
 * This process's count (below), or every instance's on Redis (redis/quotas.ts), where one
 * process's count would miss what the others store in the shared MEDIA_DIR.
 */
export type MediaQuota = {
  /** Holds room for a file of up to `bytes`; false when that would pass the quota. */
  reserve(bytes: number): Promise<boolean>
  /** The held room becomes a stored file of `size` bytes, or is let go (null: the upload failed). */
  settle(reserved: number, size: number | null): Promise<void>
  /** A stored file of `size` bytes was deleted. */
  removed(size: number): Promise<void>
  /** What the sweep found kept on disk. */
  counted(bytes: number): Promise<void>
}

/**
 * One process's count: summed at prepare() and by each sweep, plus what it stored since, less what
 * it deleted. Room asked for is held at once, in the same step as the check (as the stream caps
 * do): uploads that arrive together cannot all pass the quota.
 */
export function processQuota(quotaBytes: number): MediaQuota {
  let storedBytes = 0
  let heldBytes = 0
  return {
    async reserve(bytes) {
      if (storedBytes + heldBytes + bytes > quotaBytes) return false
      heldBytes += bytes
      return true
    },
    async settle(reserved, size) {
      heldBytes -= reserved
      storedBytes += size ?? 0
    },
    async removed(size) {
      storedBytes = Math.max(0, storedBytes - size)
    },
    async counted(bytes) {
      storedBytes = bytes
    },
  }
}
