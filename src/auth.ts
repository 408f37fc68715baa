// Bearer tokens: which client a request comes from, in constant time, so response timing does not leak how much
// of a guess was right or which client's token it was close to.

import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_CLIENT, type Settings } from './settings';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The client whose token the Authorization header carries, or undefined. Every token is compared, always. */
export function clientOf(header: string | undefined, settings: Pick<Settings, 'apiKey' | 'clients'>): string | undefined {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  // Hashing first gives equal lengths, which timingSafeEqual requires, without revealing a token's length.
  const given = digest(match?.[1] ?? '');
  let client: string | undefined;
  for (const [name, token] of [[DEFAULT_CLIENT, settings.apiKey], ...Object.entries(settings.clients)] as const) {
    if (timingSafeEqual(given, digest(token)) && match !== null) client = name;
  }
  return client;
}
