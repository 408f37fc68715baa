// Data access for idempotency keys: the first response to each client's key, kept to answer its retries until
// the key expires.

import type { Database } from 'better-sqlite3';

export interface StoredResponse {
  bodyHash: string;
  status: number;
  response: unknown;
}

export function createIdempotencyRepository(db: Database) {
  const find = db.prepare<[string, string], { body_hash: string; status: number; response: string }>(
    'SELECT body_hash, status, response FROM idempotency_keys WHERE client_id = ? AND key = ?',
  );
  const save = db.prepare(
    'INSERT INTO idempotency_keys (client_id, key, body_hash, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const forget = db.prepare('DELETE FROM idempotency_keys WHERE created_at <= ?');
  return {
    find(clientId: string, key: string): StoredResponse | undefined {
      const row = find.get(clientId, key);
      return row && { bodyHash: row.body_hash, status: row.status, response: JSON.parse(row.response) as unknown };
    },
    save(clientId: string, key: string, stored: StoredResponse, now: number): void {
      save.run(clientId, key, stored.bodyHash, stored.status, JSON.stringify(stored.response), now);
    },
    /** Forgets every key saved at or before `before` (ms since the epoch): a retry after that is a new batch. */
    forgetSavedBefore(before: number): void {
      forget.run(before);
    },
  };
}

export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>;
