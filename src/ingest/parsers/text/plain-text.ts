import { EventDraft } from '../../normalise/event-draft.js'
import type { Parser } from '../types.js'

/** Any text line, kept whole as `message`: for sources with no structure to read. */
export const plainTextParser: Parser = {
  name: 'text',
  summary: 'any text line, kept as the message',
  parseText(line) {
    const draft = new EventDraft('text', { message: line })
    draft.message = line
    return draft
  },
}
