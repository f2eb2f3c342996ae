/** Where the chat's CSS turns full screen (ui/styles.ts), and the phone modal applies (phone-modal.ts). */
export const narrowQuery = '(max-width: 479px)'
