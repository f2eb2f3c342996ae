/**
 * Text colour for the accent: white unless the accent is light (WCAG relative luminance), so a
 * site's yellow brand colour still gets readable button text.
 */
export function textOn(rgb: string): '#fff' | '#111' {
  const [r = 0, g = 0, b = 0] = (rgb.match(/[\d.]+/g) ?? []).map(Number).map((v) => {
    const c = v / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
  // Where white and near-black have equal contrast: (1.05 / (L + 0.05)) = ((L + 0.05) / 0.0565)
  return luminance > 0.18 ? '#111' : '#fff'
}
