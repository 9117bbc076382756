/**
 * Putting text people typed into a Markdown report. Block text (descriptions, notes) is Markdown
 * already and goes in as written: raw HTML in it is never rendered (see markdown-html.ts). Text
 * that must stay on one line (titles, table cells, list items) is escaped so that it cannot end
 * the line, the cell or the list, nor start a heading.
 */
export const markdownText = {
  /** One line: newlines become spaces; characters that would start Markdown syntax are escaped. */
  inline(value: string | null | undefined): string {
    return (
      (value ?? '')
        .replace(/\s*\r?\n\s*/g, ' ')
        // Only what would start syntax: a backslash before punctuation, emphasis and code marks,
        // links, autolinks, cell ends; `_` only where it is not inside a word (svc_backup stays).
        .replace(/\\(?=[!-/:-@[-`{-~])|[`*[\]<>|~]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, (c) => `\\${c}`)
        .replace(/^([#>+-]|\d+\.)/, (c) => `\\${c}`)
    )
  },
  /** A table cell: one line, pipes escaped, empty shown as a dash. */
  cell(value: string | number | null | undefined): string {
    const text = markdownText.inline(value === null || value === undefined ? '' : String(value))
    return text === '' ? '–' : text
  },
  /** User Markdown as a block; an empty block reads as "(none)" rather than vanishing. */
  block(value: string | null | undefined): string {
    const text = (value ?? '').replace(/\r\n/g, '\n').trim()
    return text === '' ? '_(none)_' : text
  },
}

export type MarkdownText = typeof markdownText
