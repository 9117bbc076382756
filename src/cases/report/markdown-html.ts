import MarkdownIt from 'markdown-it'

/**
 * Markdown → HTML with raw HTML disabled: a `<script>` or `<img onerror>` typed into a note or a
 * description is shown as text, never rendered. markdown-it also refuses `javascript:`,
 * `vbscript:`, `file:` and most `data:` links.
 */
export const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false })

const TLP_COLOURS: Record<string, string> = {
  RED: '#ff2b2b',
  'AMBER+STRICT': '#ffc000',
  AMBER: '#ffc000',
  GREEN: '#33ff00',
  CLEAR: '#ffffff',
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  )

export function markdownToHtmlPage(source: string, page: { title: string; tlp: string }): string {
  const colour = TLP_COLOURS[page.tlp] ?? '#ffffff'
  const banner = `<div class="tlp"><span style="color:${colour}">TLP:${escapeHtml(page.tlp)}</span></div>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(page.title)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem 2rem; color: #1d2330; }
h1 { border-bottom: 2px solid #1d2330; padding-bottom: .2em; }
h2 { margin-top: 1.6em; border-bottom: 1px solid #ccd; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-size: 13px; }
th, td { border: 1px solid #ccd; padding: .25em .5em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eef0f5; }
td:first-child { white-space: nowrap; overflow-wrap: normal; }
p, li { overflow-wrap: anywhere; }
pre { background: #f4f5f8; padding: .5em; white-space: pre-wrap; overflow-wrap: anywhere; }
.tlp { background: #000; padding: .3em .6em; font-weight: bold; font-family: monospace; }
</style>
</head>
<body>
${banner}
${markdown.render(source)}
${banner}
</body>
</html>
`
}
