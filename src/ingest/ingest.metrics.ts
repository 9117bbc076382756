import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Prometheus metrics of the ingest path, served at /metrics. One registry per process. */
export class IngestMetrics {
  readonly registry = new Registry()
  readonly events = new Counter({
    name: 'watchfloor_ingest_events_total',
    help: 'Events committed, by source',
    labelNames: ['source'],
    registers: [this.registry],
  })
  readonly bytes = new Counter({
    name: 'watchfloor_ingest_bytes_total',
    help: 'Bytes of input received, by source',
    labelNames: ['source'],
    registers: [this.registry],
  })
  readonly parseErrors = new Counter({
    name: 'watchfloor_ingest_parse_errors_total',
    help: 'Records that went to the dead-letter table, by source',
    labelNames: ['source'],
    registers: [this.registry],
  })
  readonly rejected = new Counter({
    name: 'watchfloor_ingest_rejected_total',
    help: 'Submissions refused because the queue was full, by input',
    labelNames: ['input'],
    registers: [this.registry],
  })
  readonly udpDrops = new Counter({
    name: 'watchfloor_ingest_udp_drops_total',
    help: 'Syslog UDP datagrams dropped because the queue was full',
    registers: [this.registry],
  })
  #queue: { depth: number; queuedBytes: number } | undefined
  readonly queueDepth: Gauge = new Gauge({
    name: 'watchfloor_ingest_queue_depth',
    help: 'Events accepted and waiting to be committed',
    registers: [this.registry],
    collect: (): void => this.queueDepth.set(this.#queue?.depth ?? 0),
  })
  readonly queueBytes: Gauge = new Gauge({
    name: 'watchfloor_ingest_queue_bytes',
    help: 'Bytes of input waiting to be committed',
    registers: [this.registry],
    collect: (): void => this.queueBytes.set(this.#queue?.queuedBytes ?? 0),
  })

  /** The queue whose depth the gauges report when scraped. */
  watchQueue(queue: { depth: number; queuedBytes: number }): void {
    this.#queue = queue
  }
  readonly commitSeconds = new Histogram({
    name: 'watchfloor_ingest_commit_seconds',
    help: 'Time to commit one group of submissions',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  })
  readonly commitEvents = new Histogram({
    name: 'watchfloor_ingest_commit_events',
    help: 'Events per committed group',
    buckets: [1, 10, 100, 1_000, 5_000, 10_000, 20_000],
    registers: [this.registry],
  })
}
