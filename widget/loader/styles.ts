/**
 * The launcher's CSS. The chat chunk adds its own sheet to the same shadow root. The focus ring is
 * drawn inside the button in the text colour, so it shows on any page and any accent; in forced
 * colours (Windows high contrast) the button gets a border, as backgrounds are dropped. The panel sets
 * no `display`, so the browser's own `[hidden]` rule hides it. The unread badge's rule is the chat's.
 */
export const launcherCss = `
.zc{position:fixed;bottom:20px;right:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px;font:15px/1.4 system-ui,sans-serif;color:#1a1a1a;--zc-accent:#0b6bcb;--zc-on-accent:#fff}
.zc[data-side=left]{right:auto;left:20px;align-items:flex-start}
.zc-launcher{position:relative;width:56px;height:56px;border:0;border-radius:50%;padding:0;display:grid;place-items:center;cursor:pointer;background:var(--zc-accent);color:var(--zc-on-accent);box-shadow:0 4px 14px rgba(0,0,0,.25);transition:transform .15s}
.zc-launcher:hover{transform:scale(1.06)}
.zc-launcher:focus-visible{outline:3px solid var(--zc-on-accent);outline-offset:-7px}
.zc-launcher svg{width:28px;height:28px;fill:currentColor}
.zc-launcher[aria-busy=true]{opacity:.8;cursor:progress}
@media (forced-colors:active){.zc-launcher{border:2px solid}}
@media (prefers-reduced-motion:reduce){.zc *{transition:none!important;animation:none!important}}
`
