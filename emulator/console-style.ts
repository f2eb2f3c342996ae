/** The agent console's stylesheet, inlined into the page under its CSP nonce. */
export const style = `
  :root { font: 15px/1.45 system-ui, sans-serif; color: #1d232a; background: #f3f5f7; }
  body { margin: 0 auto; max-width: 60rem; padding: 1rem; }
  header.page { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  #connection { color: #5b6670; margin: 0; }
  article { background: #fff; border: 1px solid #d4dae0; border-left: 6px solid #8a96a3;
    border-radius: 8px; padding: 1rem; margin: 0 0 1rem; }
  article[data-state='queued'] { border-left-color: #d99a00; }
  article[data-state='accepted'] { border-left-color: #1f8a4c; }
  article[data-state='finished'], article[data-state='unavailable'] { opacity: .8; }
  h2 { font-size: 1.15rem; margin: 0; }
  h3 { font-size: .95rem; margin: .75rem 0 .25rem; }
  .state { font-weight: 600; margin: .25rem 0; }
  .meta, .empty, time { color: #5b6670; font-size: .85rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; margin: .5rem 0; }
  dt { color: #5b6670; } dd { margin: 0; overflow-wrap: anywhere; }
  pre { background: #f3f5f7; padding: .5rem; border-radius: 4px; overflow: auto; margin: 0; }
  ul { list-style: none; padding: 0; margin: 0; }
  li { padding: .3rem .5rem; border-radius: 6px; margin: .25rem 0; overflow-wrap: anywhere; }
  li.CLIENT { background: #eef1f4; margin-right: 20%; }
  li.AGENT { background: #e3f4ea; margin-left: 20%; }
  .history li { background: #f7f7f2; }
  .who { font-weight: 600; }
  .typing { font-style: italic; color: #1f6f8a; }
  .actions, form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-top: .75rem; }
  label { display: flex; flex-direction: column; font-size: .85rem; gap: .15rem; }
  label.reply { flex: 1 1 16rem; }
  input, select, button { font: inherit; padding: .35rem .6rem; }
  button { border: 1px solid #8a96a3; border-radius: 6px; background: #fff; cursor: pointer; }
  button:disabled { opacity: .45; cursor: default; }
  .error { color: #b3261e; margin: .5rem 0 0; }
  .error:empty { display: none; }
  .media { margin-top: .3rem; display: flex; flex-direction: column; gap: .2rem; align-items: start; }
  .media img, .media video { max-width: 16rem; max-height: 12rem; border-radius: 4px; }
`
