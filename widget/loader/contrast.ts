/**
 * Text readable on the site's accent (WCAG 2 contrast, 4.5:1). The accent as text on the window's
 * white is darkened in CSS instead (ui/styles.ts, `--zc-accent-text`).
 */

/** WCAG relative luminance of `rgb(r, g, b)` as getComputedStyle gives it. */
export function luminance(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/[\d.]+/g) ?? []).map(Number).map((v) => {
    const c = v / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/**
 * Black or white, whichever is more readable. Where the two are equal, (1.05 / (L + 0.05)) =
 * ((L + 0.05) / 0.05), that is L = 0.179, both give 4.58:1: one of them always passes 4.5:1. (Near-black
 * #111 instead of black peaks at 4.3:1 there: a mid blue or a light sky blue could fail.)
 */
export function textOn(rgb: string): '#fff' | '#000' {
  return luminance(rgb) > 0.179 ? '#000' : '#fff'
}

/** Contrast ratio of two luminances, lighter over darker: 1 to 21. */
export const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
