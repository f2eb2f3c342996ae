/**
 * What a new agent message does to a page the visitor is not looking at: its title is flagged with
 * the count, "(2) Shop", until the visitor comes back; and the site's sound (`data-sound`) plays,
 * once per browser, not once per tab: only in the tab the visitor looked at last (its id is kept in
 * localStorage), which is hidden too, so no tab is being looked at. Browsers let a page play sound
 * only after the visitor interacted with it (sticky user activation): before that, none is tried.
 */
export type Sound = true | string

/** `data-sound`: empty or `true` for a short chime, an https:// (or http://) address for that file, `false` for none. */
export function readSound(value: string | undefined): { sound?: Sound; problem?: string } {
  const text = value?.trim()
  if (text === undefined || text === 'false') return {}
  if (text === '' || text === 'true') return { sound: true }
  if (/^https?:\/\/\S+$/.test(text)) return { sound: text }
  return { problem: `data-sound="${value}" (expected true, false or an https:// address)` }
}

/** A short two-note chime, so that a site needs no sound file of its own. */
function chime(): void {
  const audio = new AudioContext()
  const gain = audio.createGain()
  gain.connect(audio.destination)
  gain.gain.setValueAtTime(0.15, audio.currentTime)
  gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.5)
  ;[660, 880].forEach((hz, i) => {
    const tone = audio.createOscillator()
    tone.frequency.value = hz
    tone.connect(gain)
    tone.start(audio.currentTime + i * 0.12)
    tone.stop(audio.currentTime + 0.5)
  })
  setTimeout(() => void audio.close(), 1000)
}

export function playSound(sound: Sound): void {
  try {
    if (sound === true) chime()
    else void new Audio(sound).play().catch(() => {})
  } catch {}
}

export type PageAlertOptions = {
  /** The proxy's base URL: widgets of different proxies on one site keep apart. */
  base: string
  sound?: Sound
  play?: (sound: Sound) => void
  doc?: Document
  storage?: Storage | null
}

export function createPageAlert({
  base,
  sound,
  play = playSound,
  doc = document,
  storage = globalThis.localStorage,
}: PageAlertOptions) {
  const key = `zchat:front:${base}`
  const tab = Math.random().toString(36).slice(2)
  let count = 0
  let title = ''
  let flagged = ''
  const lookedAt = () => {
    try {
      storage?.setItem(key, tab)
    } catch {}
  }
  const isFront = () => {
    try {
      return storage?.getItem(key) === tab
    } catch {
      return false
    }
  }
  if (!doc.hidden) lookedAt()
  doc.addEventListener('visibilitychange', () => {
    if (doc.hidden) return
    lookedAt()
    // Unless the page has set a title of its own meanwhile.
    if (count > 0 && doc.title === flagged) doc.title = title
    count = 0
  })
  return {
    /** A new agent message (not one replayed from before this page loaded). */
    agentMessage(): void {
      if (!doc.hidden) return
      if (count === 0 || doc.title !== flagged) title = doc.title
      flagged = `(${++count}) ${title}`
      doc.title = flagged
      if (sound && isFront() && navigator.userActivation?.hasBeenActive !== false) play(sound)
    },
  }
}
