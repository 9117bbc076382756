/** The typed event columns, shared by both engines' CREATE TABLE. */
export const EVENT_COLUMNS_SQL = `
  event_time TIMESTAMPTZ NOT NULL,
  received_at TIMESTAMPTZ NOT NULL,
  source VARCHAR NOT NULL,
  dataset VARCHAR,
  event_code VARCHAR,
  host_name VARCHAR,
  user_name VARCHAR,
  source_ip VARCHAR,
  destination_ip VARCHAR,
  process_name VARCHAR,
  process_command_line VARCHAR`
