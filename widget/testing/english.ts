/**
 * The tests' language: English, as the chat's mount loads it before its first render (every
 * language is a chunk of its own, i18n/text.ts). A setup file of every test file (vitest.config.ts).
 */
import { loadLanguage } from '../i18n/text.ts'

await loadLanguage('en')
