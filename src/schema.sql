CREATE TABLE IF NOT EXISTS observations (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  segment_id    TEXT    NOT NULL,
  travel_time_s REAL    NOT NULL CHECK (travel_time_s > 0),
  observed_at   INTEGER NOT NULL,
  confidence    REAL    NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  batch_key     TEXT    NOT NULL REFERENCES idempotency_keys (key)
);
CREATE INDEX IF NOT EXISTS observations_by_segment ON observations (segment_id);

CREATE TABLE IF NOT EXISTS idempotency_keys (
  key        TEXT    PRIMARY KEY,
  body_hash  TEXT    NOT NULL,
  status     INTEGER NOT NULL,
  response   TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);
