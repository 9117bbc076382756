import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertResolution, AlertStatus } from '../store/schema.js'
import { runCli } from '../test-support/cli-process.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

const T0 = Date.parse('2026-11-02T00:00:00Z')
const MIN = 60_000
const at = (minutes: number) => new Date(T0 + minutes * MIN)
const FROM = '2026-11-01T00:00:00Z'
const TO = '2026-11-08T00:00:00Z'

interface Summary {
  incidents: number
  mttdMs: number | null
  mttaMs: number | null
  mttcMs: number | null
  mttrMs: number | null
  measured: { ttd: number; tta: number; ttc: number; ttr: number }
}
interface Metrics {
  overall: Summary
  groups: (Summary & { key: string; label: string })[]
  incidents: {
    id: number
    ttdMs: number | null
    ttaMs: number | null
    ttcMs: number | null
    ttrMs: number | null
  }[]
  falsePositives: { ruleId: string; closed: number; falsePositives: number; rate: number | null }[]
}

for (const engine of ENGINES) {
  describe(`${engine}: response metrics`, () => {
    let server: TestServer
    let viewer: string
    const ids: Record<string, number> = {}

    async function incident(
      name: string,
      fields: {
        severity: string
        created: Date
        contained?: Date
        resolved?: Date
        closed?: Date
        mergedInto?: number
      },
    ) {
      const row = await server.services.store.db
        .insertInto('incidents')
        .values({
          title: name,
          description: null,
          severity: fields.severity,
          tlp: 'amber',
          pap: 'amber',
          status: fields.closed ? 'closed' : 'open',
          owner: null,
          participants: JSON.stringify([]),
          tags: JSON.stringify([]),
          custom_fields: JSON.stringify({}),
          created_by: 'script',
          created_at: fields.created,
          updated_at: fields.created,
          contained_at: fields.contained ?? null,
          resolved_at: fields.resolved ?? null,
          closed_at: fields.closed ?? null,
          merged_into: fields.mergedInto ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      ids[name] = row.id
    }

    let alertCount = 0
    async function alert(fields: {
      rule: string
      incident?: string
      firstSeen: Date
      created: Date
      acknowledged?: Date
      closed?: Date
      resolution?: AlertResolution
    }) {
      alertCount += 1
      const status: AlertStatus = fields.closed ? 'closed' : fields.acknowledged ? 'acknowledged' : 'new'
      await server.services.store.db
        .insertInto('alerts')
        .values({
          fingerprint: `metrics-${alertCount}`,
          kind: 'sigma',
          rule_id: fields.rule,
          rule_title: `Rule ${fields.rule}`,
          severity: 'high',
          risk_score: 70,
          status,
          resolution: fields.resolution ?? null,
          close_comment: null,
          assignee: null,
          tags: JSON.stringify([]),
          tactics: JSON.stringify([]),
          techniques: JSON.stringify([]),
          description: null,
          refs: JSON.stringify([]),
          false_positives: JSON.stringify([]),
          entities: JSON.stringify({}),
          matched: JSON.stringify({}),
          source: 'test',
          first_seen: fields.firstSeen,
          last_seen: fields.firstSeen,
          event_count: 1,
          created_at: fields.created,
          updated_at: fields.created,
          acknowledged_at: fields.acknowledged ?? null,
          closed_at: fields.closed ?? null,
          incident_id: fields.incident ? ids[fields.incident]! : null,
          merged_into: null,
          silenced_by: null,
        })
        .execute()
    }

    beforeAll(async () => {
      server = await startTestServer(engine)
      viewer = await server.tokenFor('viewer')
      // I1 (high): first event 0, alert 10, acknowledged 15, opened 20, contained 60, resolved 120.
      await incident('I1', {
        severity: 'high',
        created: at(20),
        contained: at(60),
        resolved: at(120),
        closed: at(130),
      })
      await alert({
        rule: 'R1',
        incident: 'I1',
        firstSeen: at(0),
        created: at(10),
        acknowledged: at(15),
        closed: at(130),
        resolution: 'true_positive',
      })
      // I2 (high): events 1000/1010, alerts 1030 (R1) and 1040 (R2, acknowledged 1100), opened 1060, contained 1200.
      await incident('I2', { severity: 'high', created: at(1060), contained: at(1200) })
      await alert({ rule: 'R1', incident: 'I2', firstSeen: at(1000), created: at(1030) })
      await alert({
        rule: 'R2',
        incident: 'I2',
        firstSeen: at(1010),
        created: at(1040),
        acknowledged: at(1100),
      })
      // I3 (low): opened by hand at 2000, closed at 2300 without passing post_incident.
      await incident('I3', { severity: 'low', created: at(2000), closed: at(2300) })
      // Left out: opened before the period, and merged into another incident.
      await incident('I4', { severity: 'high', created: new Date('2026-10-20T00:00:00Z'), contained: at(5) })
      await incident('I5', { severity: 'high', created: at(3000), contained: at(3001), mergedInto: 1 })
      // Closed alerts for the false-positive rate: R1 has 1 true and 2 false positives in the period;
      // R3 has one benign positive in the period and a false positive closed before it.
      await alert({
        rule: 'R1',
        firstSeen: at(400),
        created: at(401),
        closed: at(500),
        resolution: 'false_positive',
      })
      await alert({
        rule: 'R1',
        firstSeen: at(590),
        created: at(591),
        closed: at(600),
        resolution: 'false_positive',
      })
      await alert({
        rule: 'R3',
        firstSeen: at(690),
        created: at(691),
        closed: at(700),
        resolution: 'benign_positive',
      })
      await alert({
        rule: 'R3',
        firstSeen: new Date('2026-10-24T00:00:00Z'),
        created: new Date('2026-10-24T00:01:00Z'),
        closed: new Date('2026-10-25T00:00:00Z'),
        resolution: 'false_positive',
      })
    }, 60_000)
    afterAll(async () => {
      await server?.close()
    })

    const get = async (query: string) => {
      const response = await server.request(`/api/v1/metrics/response?${query}`, { token: viewer })
      expect(response.status).toBe(200)
      return (await response.json()) as Metrics
    }

    it('computes MTTD, MTTA, MTTC and MTTR over the incidents opened in the period', async () => {
      const metrics = await get(`from=${FROM}&to=${TO}`)
      expect(metrics.incidents.map((i) => i.id)).toEqual([ids.I1, ids.I2, ids.I3])
      // Per incident, in minutes: TTD 10, 30, –; TTA 5, 30 (opening before the ack), 0; TTC 50, 170, –; TTR 110, –, 300.
      expect(metrics.incidents.map((i) => [i.ttdMs, i.ttaMs, i.ttcMs, i.ttrMs])).toEqual([
        [10 * MIN, 5 * MIN, 50 * MIN, 110 * MIN],
        [30 * MIN, 30 * MIN, 170 * MIN, null],
        [null, 0, null, 300 * MIN],
      ])
      expect(metrics.overall).toEqual({
        incidents: 3,
        mttdMs: ((10 + 30) / 2) * MIN,
        mttaMs: Math.round(((5 + 30 + 0) / 3) * MIN),
        mttcMs: ((50 + 170) / 2) * MIN,
        mttrMs: ((110 + 300) / 2) * MIN,
        measured: { ttd: 2, tta: 3, ttc: 2, ttr: 2 },
      })
    })

    it('groups by severity and by rule (an incident counts under each of its rules)', async () => {
      const bySeverity = await get(`from=${FROM}&to=${TO}&group_by=severity`)
      expect(bySeverity.groups).toEqual([
        {
          key: 'high',
          label: 'high',
          incidents: 2,
          mttdMs: 20 * MIN,
          mttaMs: 17.5 * MIN,
          mttcMs: 110 * MIN,
          mttrMs: 110 * MIN,
          measured: { ttd: 2, tta: 2, ttc: 2, ttr: 1 },
        },
        {
          key: 'low',
          label: 'low',
          incidents: 1,
          mttdMs: null,
          mttaMs: 0,
          mttcMs: null,
          mttrMs: 300 * MIN,
          measured: { ttd: 0, tta: 1, ttc: 0, ttr: 1 },
        },
      ])
      const byRule = await get(`from=${FROM}&to=${TO}&group_by=rule`)
      const rule = (key: string) => byRule.groups.find((group) => group.key === key)
      expect(rule('R1')).toMatchObject({
        incidents: 2,
        mttdMs: 20 * MIN,
        mttaMs: 17.5 * MIN,
        mttcMs: 110 * MIN,
      })
      expect(rule('R2')).toMatchObject({
        incidents: 1,
        mttdMs: 30 * MIN,
        mttaMs: 30 * MIN,
        mttcMs: 170 * MIN,
        mttrMs: null,
      })
      expect(rule('(no alerts)')).toMatchObject({ incidents: 1, mttrMs: 300 * MIN })
    })

    it('gives the false-positive rate per rule over the alerts closed in the period', async () => {
      const metrics = await get(`from=${FROM}&to=${TO}`)
      expect(metrics.falsePositives).toEqual([
        { ruleId: 'R1', ruleTitle: 'Rule R1', closed: 3, falsePositives: 2, rate: 2 / 3 },
        { ruleId: 'R3', ruleTitle: 'Rule R3', closed: 1, falsePositives: 0, rate: 0 },
      ])
      const before = await get('from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z')
      expect(before.falsePositives).toEqual([
        { ruleId: 'R3', ruleTitle: 'Rule R3', closed: 1, falsePositives: 1, rate: 1 },
      ])
      expect(before.overall.incidents).toBe(1)
    })

    it('refuses a period that ends before it starts', async () => {
      const response = await server.request(`/api/v1/metrics/response?from=${TO}&to=${FROM}`, {
        token: viewer,
      })
      expect(response.status).toBe(400)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_period')
    })

    it('prints a readable table and JSON from the CLI', async () => {
      const env = { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: viewer }
      const table = await runCli(['metrics', '--since', '2026-11-01', '--by', 'severity'], { env })
      expect(table.stderr).toBe('')
      expect(table.code).toBe(0)
      expect(table.stdout).toMatch(/^SEVERITY\s+INCIDENTS\s+MTTD\s+MTTA\s+MTTC\s+MTTR$/m)
      expect(table.stdout).toMatch(/^high\s+2\s+20m\s+17m 30s\s+1h 50m\s+1h 50m$/m)
      expect(table.stdout).toMatch(/^low\s+1\s+–\s+0s\s+–\s+5h$/m)
      expect(table.stdout).toMatch(/^Rule R1\s+3\s+2\s+66\.7%$/m)
      const json = await runCli(['metrics', '--since', '2026-11-01', '--json'], { env })
      const parsed = JSON.parse(json.stdout) as Metrics
      expect(parsed.overall.incidents).toBe(3)
      const bad = await runCli(['metrics', '--by', 'host'], { env })
      expect(bad.code).toBe(2)
    })
  })
}
