import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type Token from 'markdown-it/lib/token.mjs'
import pdfmake from 'pdfmake'
import type { Content, ContentText, TDocumentDefinitions } from 'pdfmake/interfaces.js'
import { markdown } from './markdown-html.js'

// Roboto ships inside pdfmake (TrueType, wide Unicode coverage); Courier is a PDF standard font.
const fontDir = join(
  dirname(createRequire(import.meta.url).resolve('pdfmake/package.json')),
  'fonts',
  'Roboto',
)
pdfmake.setFonts({
  Roboto: {
    normal: join(fontDir, 'Roboto-Regular.ttf'),
    bold: join(fontDir, 'Roboto-Medium.ttf'),
    italics: join(fontDir, 'Roboto-Italic.ttf'),
    bolditalics: join(fontDir, 'Roboto-MediumItalic.ttf'),
  },
  Courier: {
    normal: 'Courier',
    bold: 'Courier-Bold',
    italics: 'Courier-Oblique',
    bolditalics: 'Courier-BoldOblique',
  },
})
// A report never fetches anything: no remote images, and local files only for the fonts above.
pdfmake.setUrlAccessPolicy(() => false)
const STANDARD_FONTS = new Set(['Courier', 'Courier-Bold', 'Courier-Oblique', 'Courier-BoldOblique'])
pdfmake.setLocalAccessPolicy((path) => path.startsWith(fontDir) || STANDARD_FONTS.has(path))

/** A word this long (a hash, a URL, a base64 blob) may break anywhere instead of running off the page. */
const LONG_WORD = /(\S{32,})/

const TLP_COLOURS: Record<string, string> = {
  RED: '#ff2b2b',
  'AMBER+STRICT': '#ffc000',
  AMBER: '#ffc000',
  GREEN: '#33ff00',
  CLEAR: '#ffffff',
}

interface InlineStyle {
  bold?: boolean
  italics?: boolean
  code?: boolean
  strike?: boolean
  link?: string
}
type Run = ContentText & { text: string }

/**
 * Markdown → PDF: the same Markdown as the .md and .html exports, laid out with pdfmake: headings,
 * wrapped paragraphs, lists, tables whose header row repeats on each page, page breaks, page
 * numbers, and the TLP marking in the header and footer of every page.
 */
export interface PdfPage {
  title: string
  tlp: string
  subject: string
}

export async function markdownToPdf(source: string, page: PdfPage): Promise<Buffer> {
  const tokens = markdown.parse(source, {})
  const [content] = blocks(tokens, 0, null)
  const tlpText = (alignment: 'left' | 'right'): ContentText => ({
    text: ` TLP:${page.tlp} `,
    color: TLP_COLOURS[page.tlp] ?? '#ffffff',
    background: '#000000',
    bold: true,
    font: 'Courier',
    fontSize: 9,
    alignment,
  })
  const doc: TDocumentDefinitions = {
    info: { title: page.title, subject: page.subject, creator: 'Watchfloor' },
    pageSize: 'A4',
    pageMargins: [48, 56, 48, 56],
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.2 },
    header: () => ({
      margin: [48, 22, 48, 0],
      columns: [
        { text: page.title, fontSize: 8, color: '#555555', width: '*' },
        { ...tlpText('right'), width: 'auto' },
      ],
    }),
    footer: (current: number, count: number) => ({
      margin: [48, 18, 48, 0],
      columns: [
        { ...tlpText('left'), width: 'auto' },
        {
          text: `Page ${current} of ${count}`,
          alignment: 'right',
          fontSize: 8,
          color: '#555555',
          width: '*',
        },
      ],
    }),
    // A heading never sits alone at the bottom of a page: one in the last tenth moves on.
    pageBreakBefore: (node) => node.headlineLevel !== undefined && node.startPosition.verticalRatio > 0.9,
    styles: {
      h1: { fontSize: 17, bold: true, margin: [0, 12, 0, 6], color: '#1d2330' },
      h2: { fontSize: 13, bold: true, margin: [0, 12, 0, 4], color: '#1d2330' },
      h3: { fontSize: 11, bold: true, margin: [0, 8, 0, 2] },
      tableHeader: { bold: true, fillColor: '#eef0f5' },
    },
    content,
  }
  return pdfmake.createPdf(doc).getBuffer()
}

/** Block tokens from `index` up to the closing token `until`; returns the content and the index after it. */
function blocks(tokens: Token[], index: number, until: string | null): [Content[], number] {
  const out: Content[] = []
  let i = index
  while (i < tokens.length) {
    const token = tokens[i]!
    if (until !== null && token.type === until) return [out, i + 1]
    switch (token.type) {
      case 'heading_open': {
        const level = Math.min(Number(token.tag.slice(1)), 3)
        // Each top-level part (the incident report, the RCA) starts on a page of its own.
        const newPart = level === 1 && index + i > 0
        out.push({
          text: inline(tokens[i + 1]),
          style: `h${level}`,
          headlineLevel: level,
          ...(newPart ? { pageBreak: 'before' } : {}),
        } as Content)
        i += 3
        continue
      }
      case 'paragraph_open': {
        out.push({ text: inline(tokens[i + 1]), margin: [0, 0, 0, 6] })
        i += 3
        continue
      }
      case 'bullet_list_open':
      case 'ordered_list_open': {
        const ordered = token.type === 'ordered_list_open'
        const [items, next] = listItems(tokens, i + 1, ordered ? 'ordered_list_close' : 'bullet_list_close')
        out.push(
          ordered
            ? { ol: items, margin: [0, 0, 0, 6], start: Number(token.attrGet('start') ?? 1) }
            : { ul: items, margin: [0, 0, 0, 6] },
        )
        i = next
        continue
      }
      case 'table_open': {
        const [table, next] = tableOf(tokens, i + 1)
        out.push(table)
        i = next
        continue
      }
      case 'blockquote_open': {
        const [inner, next] = blocks(tokens, i + 1, 'blockquote_close')
        out.push({
          table: { widths: ['*'], body: [[{ stack: inner, margin: [6, 2, 0, 2] }]] },
          layout: {
            hLineWidth: () => 0,
            vLineWidth: (line: number) => (line === 0 ? 2 : 0),
            vLineColor: () => '#aab',
          },
          margin: [0, 0, 0, 6],
        })
        i = next
        continue
      }
      case 'fence':
      case 'code_block':
        out.push({
          table: {
            widths: ['*'],
            body: [
              [
                {
                  text: breakable([{ text: token.content.replace(/\n$/, '') }]),
                  font: 'Courier',
                  fontSize: 8.5,
                  preserveLeadingSpaces: true,
                },
              ],
            ],
          },
          layout: 'noBorders',
          fillColor: '#f4f5f8',
          margin: [0, 0, 0, 6],
        } as Content)
        i += 1
        continue
      case 'hr':
        out.push({
          canvas: [{ type: 'line', x1: 0, y1: 4, x2: 499, y2: 4, lineWidth: 0.5, lineColor: '#aab' }],
          margin: [0, 4, 0, 8],
        })
        i += 1
        continue
      case 'inline':
        out.push({ text: inline(token) })
        i += 1
        continue
      default:
        i += 1
    }
  }
  return [out, i]
}

function listItems(tokens: Token[], index: number, close: string): [Content[], number] {
  const items: Content[] = []
  let i = index
  while (i < tokens.length && tokens[i]!.type !== close) {
    if (tokens[i]!.type === 'list_item_open') {
      const [inner, next] = blocks(tokens, i + 1, 'list_item_close')
      items.push(inner.length === 1 ? inner[0]! : { stack: inner })
      i = next
    } else i += 1
  }
  return [items, i + 1]
}

function tableOf(tokens: Token[], index: number): [Content, number] {
  const rows: Content[][] = []
  let row: Content[] = []
  let i = index
  while (i < tokens.length && tokens[i]!.type !== 'table_close') {
    const token = tokens[i]!
    if (token.type === 'tr_open') row = []
    else if (token.type === 'tr_close') rows.push(row)
    else if (token.type === 'th_open' || token.type === 'td_open') {
      const cell: Content = { text: inline(tokens[i + 1]) }
      row.push(token.type === 'th_open' ? { ...cell, style: 'tableHeader' } : cell)
      i += 3
      continue
    }
    i += 1
  }
  return [
    {
      table: {
        headerRows: 1,
        // The header row never stays behind alone at the foot of a page.
        keepWithHeaderRows: 1,
        widths: columnWidths(tokens, index, rows[0]?.length ?? 1),
        body: rows,
        dontBreakRows: true,
      },
      layout: {
        hLineWidth: () => 0.5,
        vLineWidth: () => 0.5,
        hLineColor: () => '#ccccdd',
        vLineColor: () => '#ccccdd',
        paddingTop: () => 2,
        paddingBottom: () => 2,
      },
      fontSize: 8.5,
      margin: [0, 2, 0, 8],
    } as Content,
    i + 1,
  ]
}

/** The column with the most text takes the remaining width; the others fit their content. */
function columnWidths(tokens: Token[], index: number, columns: number): (string | number)[] {
  const lengths = new Array<number>(columns).fill(0)
  let column = 0
  for (let i = index; i < tokens.length && tokens[i]!.type !== 'table_close'; i += 1) {
    const token = tokens[i]!
    if (token.type === 'tr_open') column = 0
    if (token.type === 'inline') {
      lengths[column] = Math.max(lengths[column] ?? 0, token.content.length)
      column += 1
    }
  }
  const widest = lengths.indexOf(Math.max(...lengths))
  return lengths.map((length, n) => (n === widest || length > 60 ? '*' : 'auto'))
}

function inline(token: Token | undefined): Run[] {
  const runs: Run[] = []
  const style: InlineStyle = {}
  for (const child of token?.children ?? []) {
    switch (child.type) {
      case 'text':
        runs.push(styled(child.content, style))
        break
      case 'code_inline':
        runs.push(styled(child.content, { ...style, code: true }))
        break
      case 'softbreak':
        runs.push(styled(' ', style))
        break
      case 'hardbreak':
        runs.push(styled('\n', style))
        break
      case 'strong_open':
        style.bold = true
        break
      case 'strong_close':
        style.bold = false
        break
      case 'em_open':
        style.italics = true
        break
      case 'em_close':
        style.italics = false
        break
      case 's_open':
        style.strike = true
        break
      case 's_close':
        style.strike = false
        break
      case 'link_open':
        style.link = child.attrGet('href') ?? undefined
        break
      case 'link_close':
        delete style.link
        break
      case 'image':
        // Images are never fetched: their description stands in for them.
        runs.push(styled(`[image: ${child.content}]`, { ...style, italics: true }))
        break
      default:
        if (child.content) runs.push(styled(child.content, style))
    }
  }
  return breakable(runs)
}

function styled(text: string, style: InlineStyle): Run {
  return {
    text,
    ...(style.bold ? { bold: true } : {}),
    ...(style.italics ? { italics: true } : {}),
    ...(style.code ? { font: 'Courier', fontSize: 8.5 } : {}),
    ...(style.strike ? { decoration: 'lineThrough' } : {}),
    ...(style.link ? { link: style.link, color: '#1a4fa0' } : {}),
  } as Run
}

/** Splits long unbroken words into runs that may break between any two characters. */
function breakable(runs: Run[]): Run[] {
  const out: Run[] = []
  for (const run of runs) {
    if (!LONG_WORD.test(run.text)) {
      out.push(run)
      continue
    }
    for (const part of run.text.split(LONG_WORD)) {
      if (part === '') continue
      out.push(
        LONG_WORD.test(part)
          ? ({ ...run, text: part, wordBreak: 'break-all' } as Run)
          : { ...run, text: part },
      )
    }
  }
  return out
}
