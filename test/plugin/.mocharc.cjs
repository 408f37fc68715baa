// The plugin's own tests. This outer run must not depend on the plugin working, so it does not load it:
// unit tests import its pure modules, end-to-end tests spawn the real mocha CLI on fixtures/.
const fs = require('node:fs');
const path = require('node:path');

// The files that take longest start first, so that no long file starts last and runs alone at the end (mocha
// hands files to workers in this order). Measured CPU seconds per file (issue 19 §7), the rest in name order.
const LONGEST_FIRST = ['complete-results', 'reporters', 'majors', 'repeat', 'order', 'report', 'bisect', 'failures', 'launcher', 'service'];
const all = fs
  .readdirSync(__dirname)
  .filter((name) => name.endsWith('.test.ts'))
  .sort();
const rank = (name) => {
  const index = LONGEST_FIRST.indexOf(name.replace(/\.test\.ts$/, ''));
  return index === -1 ? LONGEST_FIRST.length : index;
};

module.exports = {
  // Explicit files, not a glob: mocha sorts what a glob finds, and keeps the order of what it is given.
  spec: [...all].sort((a, b) => rank(a) - rank(b)).map((name) => path.join('test/plugin', name)),
  extension: ['ts'],
  require: ['ts-node/register'],
  // Three test files at a time on a 2-core machine: nearly all of the time goes into the fixture runs each test
  // starts (mocha, its workers, ts-node), and a fifth of it waiting (grace periods, a run's own timers), which a
  // third file fills. Measured: 4 min 36 s with 3 against 5 min 13 s with 2. Each file's fixtures write only
  // where its tests look.
  parallel: true,
  jobs: 3,
  timeout: 60000,
  slow: 5000,
  reporter: 'mocha-multi-reporters',
  reporterOptions: { configFile: 'test/plugin/reporters.json' },
};
