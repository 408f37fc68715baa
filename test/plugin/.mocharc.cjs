// The plugin's own tests. This outer run must not depend on the plugin working, so it does not load it:
// unit tests import its pure modules, end-to-end tests spawn the real mocha CLI on fixtures/.
module.exports = {
  spec: ['test/plugin/*.test.ts'],
  extension: ['ts'],
  require: ['ts-node/register'],
  // Two test files at a time: nearly all of the time goes into the fixture runs each test starts (mocha, its
  // workers, ts-node), which a 2-core machine overlaps. Each file's fixtures write only where its tests look.
  parallel: true,
  jobs: 2,
  timeout: 60000,
  slow: 5000,
  reporter: 'mocha-multi-reporters',
  reporterOptions: { configFile: 'test/plugin/reporters.json' },
};
