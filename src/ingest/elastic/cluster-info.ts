import { createHash } from 'node:crypto'
import { hostname } from 'node:os'

/**
 * The Elasticsearch version Watchfloor answers as. Shippers read it to pick their protocol
 * (Vector's `api_version: auto`, Logstash, Beats): an 8.x answers as Elasticsearch 8 does, and a
 * recent minor keeps Beats that refuse an older cluster (`allow_older_versions: false`) working.
 */
export const ELASTIC_VERSION = '8.17.0'
export const CLUSTER_NAME = 'watchfloor'
/** Elasticsearch's uuids are 22 characters of base64url; this one is stable across restarts. */
const CLUSTER_UUID = createHash('sha256').update('watchfloor-cluster').digest('base64url').slice(0, 22)

export function clusterInfo(): Record<string, unknown> {
  return {
    name: hostname(),
    cluster_name: CLUSTER_NAME,
    cluster_uuid: CLUSTER_UUID,
    version: {
      number: ELASTIC_VERSION,
      build_flavor: 'default',
      build_type: 'tar',
      build_hash: '0000000000000000000000000000000000000000',
      build_date: '2024-12-11T12:08:05.663969764Z',
      build_snapshot: false,
      lucene_version: '9.12.0',
      minimum_wire_compatibility_version: '7.17.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'You Know, for Search',
  }
}

export function clusterHealth(): Record<string, unknown> {
  return {
    cluster_name: CLUSTER_NAME,
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: 0,
    active_shards: 0,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100,
  }
}

/** A basic licence that never expires: what Beats and Logstash check before using ILM. */
export function license(): Record<string, unknown> {
  return {
    license: {
      status: 'active',
      uid: CLUSTER_UUID,
      type: 'basic',
      issue_date: '2024-01-01T00:00:00.000Z',
      issue_date_in_millis: 1_704_067_200_000,
      max_nodes: 1000,
      max_resource_units: null,
      issued_to: CLUSTER_NAME,
      issuer: 'elasticsearch',
      start_date_in_millis: -1,
    },
  }
}
