import type { Actor, RequestOrigin } from '../../auth/actor.js'
import { appendAudit } from '../../auth/audit.js'
import type { Store } from '../../store/store.js'
import type { EvidenceService } from '../evidence.service.js'
import type { RcaService } from '../rca.service.js'
import { markdownToHtmlPage } from './markdown-html.js'
import { renderPdf } from './render-pdf.js'
import { buildReportModel } from './report-model.js'
import type { ReportTemplates } from './report-templates.js'

export const REPORT_FORMATS = ['md', 'html', 'pdf'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export interface RenderedReport {
  body: Buffer
  contentType: string
  filename: string
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
}

/**
 * The incident report (and its RCA) as Markdown from the team's templates, and as HTML and PDF
 * made from that same Markdown, so the three always say the same thing. Every export is audited.
 */
export class ReportService {
  constructor(
    private readonly store: Store,
    private readonly rca: RcaService,
    private readonly templates: ReportTemplates,
    private readonly evidence: EvidenceService,
  ) {}

  async export(
    incidentId: number,
    options: { format: ReportFormat; includeRca: boolean },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<RenderedReport> {
    const view = await this.rca.get(incidentId)
    const model = await buildReportModel(this.store.db, view, {
      includeRca: options.includeRca,
      generatedBy: actor.name,
    })
    let source = await this.templates.render('incident.md.eta', model)
    if (options.includeRca) source += `\n\n${await this.templates.render('rca.md.eta', model)}`
    const title = `Incident ${incidentId}: ${view.incident.title}`
    const body =
      options.format === 'md'
        ? Buffer.from(source)
        : options.format === 'html'
          ? Buffer.from(markdownToHtmlPage(source, { title, tlp: model.tlp }))
          : await renderPdf(source, {
              title,
              tlp: model.tlp,
              subject: options.includeRca ? 'Incident report and root-cause analysis' : 'Incident report',
            })
    await this.store.transaction(async (trx) => {
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.export',
        targetType: 'incident',
        targetId: incidentId,
        details: { format: options.format, includeRca: options.includeRca, bytes: body.length },
      })
    })
    // The report lists each evidence item with its hash: that is an export in its chain of custody.
    for (const item of model.evidence) {
      await this.evidence.recordCustody(
        incidentId,
        item.id,
        {
          action: 'export',
          reason: `listed in the incident report (${options.format})`,
          details: { format: options.format, includeRca: options.includeRca },
        },
        actor,
        origin,
      )
    }
    return {
      body,
      contentType: CONTENT_TYPES[options.format],
      filename: `incident-${incidentId}${options.includeRca ? '-rca' : ''}.${options.format}`,
    }
  }
}
