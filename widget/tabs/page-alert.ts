/**
 * A new agent message on a page the visitor is not looking at (loaded by away.ts): the title is
 * flagged with the count, "(2) Shop", until the visitor comes back, and the site's sound plays if
 * this is the tab the visitor looked at last (hidden too, so no tab is being looked at). Browsers
 * let a page play sound only after the visitor interacted with it (sticky user activation): before
 * that, none is tried.
 */
export type Sound = true | string

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

export type PageAlert = ReturnType<typeof createPageAlert>

export function createPageAlert({
  doc,
  sound,
  play = playSound,
  isFront,
  signal,
}: {
  doc: Document
  signal?: AbortSignal
  sound?: Sound
  play?: (sound: Sound) => void
  isFront(): boolean
}) {
  let count = 0
  let title = ''
  let flagged = ''
  doc.addEventListener(
    'visibilitychange',
    () => {
      if (doc.hidden) return
      // Unless the page has set a title of its own meanwhile.
      if (count > 0 && doc.title === flagged) doc.title = title
      count = 0
    },
    signal && { signal },
  )
  return {
    agentMessage(): void {
      // The visitor may have come back while this part was loading.
      if (!doc.hidden) return
      if (count === 0 || doc.title !== flagged) title = doc.title
      flagged = `(${++count}) ${title}`
      doc.title = flagged
      if (sound && isFront() && navigator.userActivation?.hasBeenActive !== false) play(sound)
    },
  }
}
