// Grows the service's database to a size through its own API: batches of 1,000 observations, so the rows are
// what ingestion writes, whatever the schema (the same bench runs before and after a schema change).

export const SEGMENTS = 1_000;
const BATCH = 1_000;
const DAY_MS = 86_400_000;

/** Observation `index` of the bench's data: 1,000 segments, 60 days of history before `now`, travel times 60–600 s. */
export function benchObservation(index: number, now: number) {
  return {
    segment_id: `seg-${index % SEGMENTS}`,
    travel_time_s: 60 + ((index * 7919) % 540),
    observed_at: new Date(now - (index % 60) * DAY_MS - 1000).toISOString(),
    confidence: 0.5 + ((index * 31) % 50) / 100,
  };
}

export async function seedTo(baseUrl: string, token: string, from: number, to: number, now: number): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    const count = Math.min(BATCH, to - start);
    const observations = Array.from({ length: count }, (_, i) => benchObservation(start + i, now));
    const response = await fetch(`${baseUrl}/observations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `seed-batch-${start}` },
      body: JSON.stringify({ observations }),
    });
    if (response.status !== 201) throw new Error(`seeding rows ${start}-${start + count} got ${response.status}: ${await response.text()}`);
  }
}
