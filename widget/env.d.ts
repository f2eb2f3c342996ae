/** Injected by vite.config.ts (loader build): the chat entry's hashed file name under /widget/. */
declare const __ZCHAT_CHAT_FILE__: string
