// Bearer-token check in constant time, so response timing does not leak how much of a guess was right.

import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export function isAuthorized(header: string | undefined, apiKey: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  // Hashing first gives equal lengths, which timingSafeEqual requires, without revealing the key's length.
  return match !== null && timingSafeEqual(digest(match[1] as string), digest(apiKey));
}
