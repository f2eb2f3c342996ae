/**
 * The page's `window.zchat` (or the name `data-global` gives) is ours to replace only while it is
 * empty or the snippet's queue stub: a function that keeps calls in `q`, which has `q` once called
 * and `.q=` in its source before. Anything else belongs to another script and is never overwritten.
 */
export type Stub = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[]; loaded?: boolean }

export function isStub(value: unknown): value is Stub | undefined {
  return (
    value === undefined ||
    (typeof value === 'function' &&
      (Array.isArray((value as Stub).q) || /\.q\s*=/.test(String(value))))
  )
}
