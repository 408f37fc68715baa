-- The first response to each Idempotency-Key, per client, kept BMTC_IDEMPOTENCY_TTL_S to answer retries.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  client_id  TEXT    NOT NULL,
  key        TEXT    NOT NULL,
  body_hash  TEXT    NOT NULL,
  status     INTEGER NOT NULL,
  response   TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON idempotency_keys (created_at);

-- Observations outlive their idempotency key (it expires), so they name their batch without a foreign key.
CREATE TABLE IF NOT EXISTS observations (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  segment_id    TEXT    NOT NULL,
  travel_time_s REAL    NOT NULL CHECK (travel_time_s > 0),
  observed_at   INTEGER NOT NULL,
  confidence    REAL    NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  client_id     TEXT    NOT NULL,
  batch_key     TEXT    NOT NULL
);
-- Covers a segment's estimate: its usable observations are read from the index alone.
CREATE INDEX IF NOT EXISTS observations_by_segment ON observations (segment_id, confidence, observed_at, travel_time_s);

-- Running per-segment totals of the observations at or above aggregate_state.min_conf: the global aggregate
-- reads one row per segment instead of every observation. Kept by triggers, so every writer keeps them right.
CREATE TABLE IF NOT EXISTS segment_totals (
  segment_id TEXT    PRIMARY KEY,
  sum_s      REAL    NOT NULL,
  n          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aggregate_state (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  min_conf REAL    NOT NULL
);
CREATE TRIGGER IF NOT EXISTS segment_totals_on_insert AFTER INSERT ON observations
WHEN NEW.confidence >= (SELECT min_conf FROM aggregate_state WHERE id = 1)
BEGIN
  INSERT INTO segment_totals (segment_id, sum_s, n) VALUES (NEW.segment_id, NEW.travel_time_s, 1)
  ON CONFLICT (segment_id) DO UPDATE SET sum_s = sum_s + excluded.sum_s, n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS segment_totals_on_delete AFTER DELETE ON observations
WHEN OLD.confidence >= (SELECT min_conf FROM aggregate_state WHERE id = 1)
BEGIN
  UPDATE segment_totals SET sum_s = sum_s - OLD.travel_time_s, n = n - 1 WHERE segment_id = OLD.segment_id;
  DELETE FROM segment_totals WHERE segment_id = OLD.segment_id AND n = 0;
END;
