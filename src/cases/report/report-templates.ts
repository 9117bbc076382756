import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Eta } from 'eta'
import { OperationalError, UserError } from '../../core/errors.js'
import type { ReportModel } from './report-model.js'

/** The default report templates shipped with Watchfloor (`templates/reports/` at the package root). */
export const BUNDLED_REPORT_TEMPLATES_DIR = fileURLToPath(
  new URL('../../../templates/reports', import.meta.url),
)

export const REPORT_TEMPLATES = ['incident.md.eta', 'rca.md.eta'] as const
export type ReportTemplate = (typeof REPORT_TEMPLATES)[number]

/**
 * Renders the Markdown of a report from Eta templates. A team's folder (setting
 * `reports.templatesDir`) overrides the bundled templates file by file: a template missing there
 * is taken from the bundled folder. Templates are configuration written by the team (they may
 * run JavaScript, as any Eta template can), never user input; output is Markdown, escaped by the
 * `it.md` helpers, and turned into HTML with raw HTML disabled.
 */
export class ReportTemplates {
  readonly #eta = new Eta({ autoEscape: false, autoTrim: false, cache: false, useWith: false })

  constructor(private readonly teamDir: string | undefined) {}

  async render(name: ReportTemplate, model: ReportModel): Promise<string> {
    const template = await this.#read(name)
    try {
      return this.#eta.renderString(template.text, model)
    } catch (error) {
      throw new UserError(
        'report_template',
        `report template ${template.path} failed: ${(error as Error).message}`,
        {
          status: 500,
          cause: error,
        },
      )
    }
  }

  async #read(name: ReportTemplate): Promise<{ path: string; text: string }> {
    for (const dir of [this.teamDir, BUNDLED_REPORT_TEMPLATES_DIR]) {
      if (!dir) continue
      const path = join(dir, name)
      try {
        return { path, text: await readFile(path, 'utf8') }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new OperationalError(
            'report_template_unreadable',
            `cannot read ${path}: ${(error as Error).message}`,
          )
        }
      }
    }
    throw new OperationalError('report_template_missing', `report template ${name} is missing`)
  }
}
