// Pure, seeded ordering. Runs in: any process.
// The same (seed, key) always gives the same order, in every process and mode, so a printed seed reproduces a run.

/** FNV-1a: a stable 32-bit hash of a string, to derive one stream of randomness per key. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast and good enough to decide an order; not for anything secret. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates on a copy. `key` separates streams, so shuffling one list never shifts another's order. */
export function shuffle<T>(items: readonly T[], seed: number, key = ''): T[] {
  const random = createRandom(seed ^ hashString(key));
  const result = items.slice();
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

/** Shuffles an array in place (mocha's suites hold their children in arrays it reads live). */
export function shuffleInPlace<T>(items: T[], seed: number, key: string): void {
  const shuffled = shuffle(items, seed, key);
  for (let i = 0; i < shuffled.length; i++) items[i] = shuffled[i] as T;
}

export const MAX_SEED = 0xffffffff;

/** A fresh seed for a run that did not pin one. */
export function chooseSeed(random: () => number = Math.random): number {
  return Math.floor(random() * MAX_SEED);
}
