// The suite runs in parallel, one worker per CPU, in a seeded random order (see README "Commands").
// TypeScript is compiled by swc through @swc/register (settings in .swcrc; no type-check: `npm test` runs tsc
// once). Not ts-node: even in its swc mode it loads the TypeScript compiler, ~185 ms in every process before the
// first test (see README "Benchmark"). It is registered here so this file can load the plugin's sources, and
// listed in `require` for the workers.
require('@swc/register');
const { defineConfig } = require('./hooks/mocharc');

module.exports = defineConfig({
  spec: ['test/*.spec.ts'],
  extension: ['ts'],
  require: ['@swc/register', 'hooks', 'test/isolation.ts'],
  // rows: these tests leave their rows to the worker database's reset after each test, which is what it is for;
  // every other kind of leftover is listed at the end of the run.
  isolation: { schema: 'src/schema.sql', dbEnv: 'BMTC_DB_PATH', leaks: { rows: 'off' } },
  checkLeaks: true,
  timeout: 5000,
  reporter: 'mocha-multi-reporters',
  reporterOptions: { configFile: 'test/reporters.json' },
});
