/** The widget's only console output: prefixed, so site owners know whom it comes from. */
export function warn(message: string, ...detail: unknown[]): void {
  console.warn(`[zchat] ${message}`, ...detail)
}
