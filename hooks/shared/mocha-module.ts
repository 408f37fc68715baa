// The project's mocha as its processes have already loaded it. Runs in: any process.
//
// mocha's package entry (index.js) is an ES module re-exporting lib/mocha.cjs, which mocha's CLI and its
// workers load themselves: requiring the entry compiles an ES module graph (~8 ms in a worker, before its first
// test), requiring lib/mocha.cjs finds it in the cache.

type MochaModule = typeof import('mocha');

export function loadedMocha(): MochaModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('mocha/lib/mocha.cjs') as MochaModule;
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('mocha') as MochaModule;
  }
}
