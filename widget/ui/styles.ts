/**
 * The chat window's CSS, one string added to the widget's shadow root. `--zc-accent` and
 * `--zc-on-accent` come from the loader (data-color). `--zc-accent-text` is the accent as text and focus
 * rings on white: its OKLCH lightness held at 0.5 or less (about 6:1 on white), so a light brand colour
 * still reads; browsers without relative colours use the accent as it is. On the accent itself (the
 * header, the visitor's bubbles) focus rings take the text colour: that rule comes after the window's
 * ring, which has the same specificity. Reduced motion comes from the launcher's sheet, in the same
 * shadow root. Under 480 px the window fills the screen (the
 * visual viewport's height, `--zc-vh`, from chat/phone-modal.ts), inside the safe-area insets, and its
 * fields are 16 px: iOS zooms into smaller ones. The lazily loaded parts (chat/*-part.tsx) bring their
 * own rules.
 */

/**
 * The dark palette (data-theme="dark", or "auto" when the visitor's system is dark; chat/mount.tsx
 * puts the theme on the widget's root). Every text passes 4.5:1 on the dark background and on the agent's
 * bubbles; the accent as text is lightened to an OKLCH lightness of 0.75 or more (about 7:1 on the
 * background), and browsers without relative colours write links and rings in the text colour. The
 * header and the visitor's bubbles keep the accent with the loader's text colour on it, as in light.
 */
const themed = (window: string) =>
  `${window}{color-scheme:dark;--zc-bg:#1c1d21;--zc-fg:#ecedee;--zc-muted:#a3a9b1;--zc-soft:#2c2e33;--zc-bar:#25272b;--zc-line:#3a3d43;--zc-edge:#6b7078;--zc-bad:#ff8a80;--zc-bad-bg:#3b1f1d;--zc-veil:rgba(28,29,33,.92);--zc-accent-text:var(--zc-fg)}@supports (color:oklch(from red l c h)){${window}{--zc-accent-text:oklch(from var(--zc-accent) max(l,.75) c h)}}`

export const chatCss = `
.zc-window{--zc-bg:#fff;--zc-fg:#1a1a1a;--zc-muted:#5b6169;--zc-soft:#f0f1f3;--zc-bar:#f4f5f7;--zc-line:#e3e5e8;--zc-edge:#c9cdd2;--zc-bad:#b42318;--zc-bad-bg:#fef3f2;--zc-veil:rgba(255,255,255,.92);--zc-accent-text:var(--zc-accent)}
@supports (color:oklch(from red l c h)){.zc-window{--zc-accent-text:oklch(from var(--zc-accent) min(l,.5) c h)}}
${themed('.zc[data-theme=dark] .zc-window')}
@media (prefers-color-scheme:dark){${themed('.zc[data-theme=auto] .zc-window')}}
.zc-window{position:relative;box-sizing:border-box;width:370px;height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:var(--zc-bg);color:var(--zc-fg);border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.22);overflow:hidden;animation:zc-in .18s ease-out}
.zc-window *{box-sizing:border-box}
@keyframes zc-in{from{opacity:0;transform:translateY(12px)}}
.zc-header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:var(--zc-accent);color:var(--zc-on-accent)}
.zc-title{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.zc-header button{font:inherit;font-size:13px;color:inherit;background:transparent;border:1px solid currentColor;border-radius:8px;padding:4px 10px;cursor:pointer}
.zc-header .zc-icon{border-color:transparent;padding:4px;display:grid;place-items:center}
.zc-icon svg{width:20px;height:20px;fill:currentColor}
.zc-header button:focus-visible{outline:2px solid currentColor;outline-offset:2px}
.zc-log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.zc-msg{max-width:85%;display:flex;flex-direction:column;gap:2px}
.zc-msg--visitor{align-self:flex-end;align-items:flex-end}
.zc-msg--agent{align-self:flex-start}
.zc-bubble{padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;background:var(--zc-soft)}
.zc-msg--visitor .zc-bubble{background:var(--zc-accent);color:var(--zc-on-accent);border-bottom-right-radius:4px}
.zc-msg--agent .zc-bubble{border-bottom-left-radius:4px}
.zc-bubble a{color:inherit}
.zc-author,.zc-meta,.zc-count{font-size:12px;color:var(--zc-muted)}
.zc-meta{display:flex;gap:6px;align-items:center}
.zc-failed{color:var(--zc-bad)}
.zc-meta button,.zc-link,.zc-bubble button{font:inherit;color:var(--zc-accent-text);background:none;border:0;padding:0;text-decoration:underline;cursor:pointer}
.zc-media img,.zc-media audio,.zc-media video{display:block;max-width:100%;margin-top:4px}
.zc-media img{max-height:240px;border-radius:10px}
.zc-media{display:flex;flex-direction:column;align-items:flex-start;gap:4px}
.zc-attach svg{width:20px;height:20px;fill:currentColor;flex:none}
.zc-bubble button{color:inherit}
.zc-attach{border:0;background:none;color:var(--zc-muted);padding:10px 2px;cursor:pointer}
.zc-event{align-self:center;font-size:13px;color:var(--zc-muted);text-align:center}
.zc-status{padding:6px 16px;font-size:13px;color:var(--zc-muted)}
.zc-status:empty{padding:0}
.zc-alert{margin:0 16px 8px;padding:8px 10px;border-radius:8px;background:var(--zc-bad-bg);color:var(--zc-bad);font-size:13px}
.zc-composer{display:flex;gap:8px;align-items:flex-end;padding:10px 12px;border-top:1px solid var(--zc-line)}
.zc-composer textarea{flex:1;resize:none;field-sizing:content;min-height:40px;max-height:120px;font:inherit;padding:9px 10px;border:1px solid var(--zc-edge);border-radius:10px;color:inherit;background:var(--zc-bg)}
.zc-count{padding:0 16px}
.zc-count[data-over]{color:var(--zc-bad)}
.zc-primary,.zc-secondary{font:inherit;border-radius:10px;cursor:pointer}
.zc-primary{font-weight:600;border:0;padding:9px 14px;background:var(--zc-accent);color:var(--zc-on-accent)}
.zc-primary[aria-disabled=true]{opacity:.6;cursor:progress}
.zc-secondary{border:1px solid var(--zc-edge);padding:8px 14px;background:var(--zc-bg);color:inherit}
.zc-window :focus-visible{outline:2px solid var(--zc-accent-text);outline-offset:2px}
.zc-header :focus-visible,.zc-bubble :focus-visible{outline-color:currentColor}
.zc-log:focus-visible{outline-offset:-2px}
.zc-panel-body{padding:14px 16px;display:flex;flex-direction:column;gap:10px;border-top:1px solid var(--zc-line)}
.zc-panel-body p{margin:0}
.zc-row{display:flex;gap:8px;flex-wrap:wrap}
.zc-form{display:grid;gap:6px;padding:12px 16px 0}
.zc-form p{margin:0;font-size:13px}
.zc-form label,.zc-panel-body label{font-size:13px;font-weight:600}
.zc-form input,.zc-panel-body textarea{font:inherit;padding:7px 10px;border:1px solid var(--zc-edge);border-radius:8px;width:100%;color:inherit;background:var(--zc-bg)}
.zc-window [aria-invalid=true]{border-color:var(--zc-bad)}
.zc-leave{padding:0}
.zc-leave textarea{resize:vertical}
.zc-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
@media (max-width:479px){
.zc-window{position:fixed;inset:0;top:var(--zc-top,0);width:100%;height:100%;height:var(--zc-vh,100dvh);border-radius:0;padding:env(safe-area-inset-top) env(safe-area-inset-right) env(safe-area-inset-bottom) env(safe-area-inset-left);overscroll-behavior:contain}
.zc-window input,.zc-window textarea,.zc-window select{font-size:16px}
.zc-launcher[aria-expanded=true]{display:none}
}
@media (forced-colors:active){.zc-window,.zc-window button,.zc-window input,.zc-window textarea{border:1px solid}.zc-window :focus-visible{outline:3px solid}}
`
