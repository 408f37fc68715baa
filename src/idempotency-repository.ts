// Data access for idempotency keys: the first response to each key, kept to answer replays.

import type { Database } from 'better-sqlite3';

export interface StoredResponse {
  bodyHash: string;
  status: number;
  response: unknown;
}

export function createIdempotencyRepository(db: Database) {
  const find = db.prepare<[string], { body_hash: string; status: number; response: string }>(
    'SELECT body_hash, status, response FROM idempotency_keys WHERE key = ?',
  );
  const save = db.prepare('INSERT INTO idempotency_keys (key, body_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?)');
  return {
    find(key: string): StoredResponse | undefined {
      const row = find.get(key);
      return row && { bodyHash: row.body_hash, status: row.status, response: JSON.parse(row.response) as unknown };
    },
    save(key: string, stored: StoredResponse, now: number): void {
      save.run(key, stored.bodyHash, stored.status, JSON.stringify(stored.response), now);
    },
  };
}
