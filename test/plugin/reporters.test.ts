// Issue 10 §2: workers send the main process only the events it listens to, and runs of passing or pending tests
// packed as one event. Every reporter must print exactly what it prints without the plugin (timings aside):
// mocha's own reporters, those that listen to a test's begin (list, tap), mocha-multi-reporters, and a reporter
// that has mocha link objects by id, on a file with every kind of outcome. (json-stream refuses --parallel.)
import { expect } from 'chai';
import path from 'node:path';
import { fixtureDir, type MochaPackage, removeWork, runFixture } from './support/run-fixture';

/** Durations and clock times differ from run to run; everything else must not. */
function withoutTimings(output: string): string {
  return (
    output
      // mocha prints 850ms, but 1s or 2m once a duration reaches them (ms package): a slow run must still compare equal.
      .replace(/\(\d+(?:\.\d+)? ?(?:ms|s|m|h)\)/g, '(N ms)')
      .replace(/: \d+(?:\.\d+)?(?:ms|s|m|h)$/gm, ': Nms')
      .replace(/"(duration|start|end)": ?("[^"]*"|\d+)/g, '"$1": N')
      .replace(/\b(time|timestamp)="[^"]*"/g, '$1="N"')
      .replace(/passing \(\d+\w*\)/g, 'passing (N)')
  );
}

const REPORTERS: Array<[string, string[]]> = [
  ['spec', []],
  ['dot', []],
  ['json', []],
  ['xunit', []],
  ['list', []],
  ['tap', []],
  // mocha 12's reporter for GitHub Actions annotations (10 and 11 have none).
  ['github-actions', []],
  ['mocha-multi-reporters', ['--reporter-options', `configFile=${path.join(fixtureDir('reporters'), 'multi.json')}`]],
  // mocha's main process reads the bail flag from the suite events a worker sends.
  ['spec', ['--bail']],
  // A reporter that asks mocha to link objects by id: a test's parent must be its suite's object.
  ['./linking-reporter.cjs', []],
];

describe('reporters in parallel, with the lean worker stream (fixtures/reporters)', () => {
  // Every supported major: the stream reuses mocha's worker reporter and serializer, which each major keeps in its
  // own files (shared/mocha-internals.ts). On 10 and 11, one reporter per set of events listened to: spec (suites),
  // list (a test's begin), tap (a test's end), json (whole objects), --bail, and the linking one; dot and xunit
  // listen to nothing spec and json do not, and each pair of runs costs ~2.5 s of CPU (issue 19 §7). mocha-multi-reporters and
  // github-actions (12 only) are checked on this repository's mocha only.
  const OLDER_MAJORS = new Set(['spec', 'list', 'tap', 'json', './linking-reporter.cjs']);
  const cases = [
    ...REPORTERS.map(([reporter, args]) => ({ reporter, args, mocha: 'mocha' as MochaPackage })),
    ...(['mocha-11', 'mocha-10'] as const).flatMap((mocha) =>
      REPORTERS.filter(([reporter]) => OLDER_MAJORS.has(reporter)).map(([reporter, args]) => ({ reporter, args, mocha })),
    ),
  ];
  for (const { reporter, args, mocha } of cases) {
    it(`prints with ${reporter}${args[0] === '--bail' ? ' --bail' : ''} what it prints without the plugin${mocha === 'mocha' ? '' : ` (${mocha})`}`, async () => {
      const run = (plugin: boolean) =>
        runFixture('reporters', {
          mode: 'parallel',
          plugin,
          reporter,
          args,
          mocha,
          env: { ISOLATION_SHUFFLE: 'off', ISOLATION_REPORT: 'off' },
        });
      const [bare, withPlugin] = await Promise.all([run(false), run(true)]);
      removeWork(bare);
      removeWork(withPlugin);
      expect(withPlugin.code).to.equal(bare.code);
      expect(bare.stdout).to.contain('fails with a diff');
      expect(withoutTimings(withPlugin.stdout)).to.equal(withoutTimings(bare.stdout));
    });
  }
});
