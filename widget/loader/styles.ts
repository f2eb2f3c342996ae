/**
 * The launcher's CSS. The chat chunk adds its own sheet to the same shadow root. The focus ring is
 * drawn inside the button in the text colour, so it shows on any page and any accent; in forced
 * colours (Windows high contrast) the button gets a border, as backgrounds are dropped. The badge and
 * the panel set no `display`, so the browser's own `[hidden]` rule hides them. The greeting beside
 * the launcher renders before the chat, so it carries its own dark colours (the chat's palette) for
 * the `data-theme` the loader puts on the root; its transparent border shows in forced colours. With
 * no left or right it sits on the launcher's side: an absolute flex child's static position.
 */
export const launcherCss = `
.zc{position:fixed;bottom:20px;right:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px;font:15px/1.4 system-ui,sans-serif;color:#1a1a1a;--zc-accent:#0b6bcb;--zc-on-accent:#fff}
.zc[data-side=left]{right:auto;left:20px;align-items:flex-start}
.zc-launcher{position:relative;width:56px;height:56px;border:0;border-radius:50%;padding:0;display:grid;place-items:center;cursor:pointer;background:var(--zc-accent);color:var(--zc-on-accent);box-shadow:0 4px 14px rgba(0,0,0,.25);transition:transform .15s}
.zc-launcher:hover{transform:scale(1.06)}
.zc-launcher:focus-visible{outline:3px solid var(--zc-on-accent);outline-offset:-7px}
.zc-launcher svg{width:28px;height:28px;fill:currentColor}
.zc-launcher[aria-busy=true]{opacity:.8;cursor:progress}
.zc-badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;box-sizing:border-box;border-radius:10px;background:#d92d20;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}
.zc-greet{position:absolute;bottom:68px;width:max-content;max-width:min(260px,calc(100vw - 40px));--zc-bg:#fff;--zc-fg:#1a1a1a}
.zc[data-theme=dark] .zc-greet{--zc-bg:#1c1d21;--zc-fg:#ecedee}
@media (prefers-color-scheme:dark){.zc[data-theme=auto] .zc-greet{--zc-bg:#1c1d21;--zc-fg:#ecedee}}
.zc-greet>*{font:inherit;color:var(--zc-fg);background:var(--zc-bg);border:1px solid transparent;cursor:pointer}
.zc-greet>:first-child{display:block;text-align:start;padding:12px 38px 12px 14px;border-radius:14px;box-shadow:0 4px 20px rgba(0,0,0,.25)}
.zc-greet-x{position:absolute;top:5px;right:5px;width:28px;height:28px;padding:5px;border-radius:50%}
.zc-greet :focus-visible{outline:2px solid currentColor;outline-offset:-4px}
@media (forced-colors:active){.zc-launcher{border:2px solid}}
@media (prefers-reduced-motion:reduce){.zc *{transition:none!important;animation:none!important}}
`
