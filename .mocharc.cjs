// The suite runs in parallel, one worker per CPU, in a seeded random order (see README "Commands").
// ts-node (swc mode, no type-check: `npm test` runs tsc once) is registered here so this file can load the
// plugin's TypeScript sources; workers get it through `require` below.
require('ts-node/register');
const { defineConfig } = require('./hooks/mocharc');

module.exports = defineConfig({
  spec: ['test/*.spec.ts'],
  extension: ['ts'],
  require: ['ts-node/register', 'hooks', 'test/isolation.ts'],
  isolation: { schema: 'src/schema.sql', dbEnv: 'BMTC_DB_PATH' },
  checkLeaks: true,
  timeout: 5000,
  reporter: 'mocha-multi-reporters',
  reporterOptions: { configFile: 'test/reporters.json' },
});
