// The project's mocha as its processes have already loaded it. Runs in: any process.
//
// mocha's package entry (index.js) is an ES module re-exporting lib/mocha.cjs, which mocha's CLI and its
// workers load themselves: requiring the entry compiles an ES module graph (~8 ms in a worker, before its first
// test), requiring lib/mocha.cjs finds it in the cache.

import { requireMochaLib } from './mocha-internals';

type MochaModule = typeof import('mocha');

export function loadedMocha(): MochaModule {
  // lib/mocha.cjs in mocha 12, lib/mocha.js (what its index.js re-exports) in 10 and 11.
  return requireMochaLib<MochaModule>('mocha');
}
