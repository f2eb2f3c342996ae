/** Injected by vite.config.ts (loader build): the chat entry's hashed file name under /widget/. */
declare const __ZCHAT_CHAT_FILE__: string
/**
 * Injected by vite.config.ts (loader build): what the chat's first open needs beside the chat entry,
 * as paths under /widget/ on the proxy: by the page's language (ky, the language's part, the config), then
 * `prechat` for a new conversation or `live` (the stream's part) for one going on.
 */
declare const __ZCHAT_FIRST_OPEN__: Record<'prechat' | 'live' | 'en' | 'pt-BR' | 'es', string[]>
