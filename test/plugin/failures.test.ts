import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtureDir, removeWork, runFixture, titles } from './support/run-fixture';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function expectStopped(options: Parameters<typeof runFixture>[1], message: string): Promise<void> {
  const result = await runFixture('config-fail', options);
  const ran = fs.existsSync(path.join(result.outDir, 'ran'));
  removeWork(result);
  expect(result.code).not.to.equal(0);
  expect(result.stdout + result.stderr).to.contain(message);
  expect(ran, 'a test ran despite the bad configuration').to.equal(false);
  expect(result.leftovers).to.deep.equal([]);
}

describe('bad configuration stops the run with one clear message (fixtures/config-fail)', () => {
  it('runs its test when the configuration is good', async () => {
    const result = await runFixture('config-fail', { mode: 'parallel' });
    removeWork(result);
    expect(result.passes).to.have.length(1);
  });

  it('refuses a non-numeric seed', () =>
    expectStopped(
      { mode: 'parallel', env: { ISOLATION_SEED: 'abc' } },
      '"ISOLATION_SEED" must be a whole number from 0 to 4294967295, got "abc".',
    ));

  it('refuses a non-numeric job count', () =>
    expectStopped({ mode: 'parallel', args: ['--jobs', 'two'] }, '"--jobs" must be a whole number of workers of at least 1, got "two".'));

  it('refuses an unknown plugin variable, and reports every problem at once', () =>
    expectStopped(
      { mode: 'serial', env: { ISOLATION_SEEED: '1', ISOLATION_SHUFFLE: 'maybe' } },
      'mocha-isolation found 2 configuration problems:\n  - "ISOLATION_SEEED" is not a variable mocha-isolation knows.',
    ));

  it('refuses a schema that fails to apply, before any test', () =>
    expectStopped({ mode: 'parallel', env: { FIXTURE_SCHEMA: 'broken.sql' } }, 'failed to apply: near ",": syntax error. Fix the SQL'));

  it("stops a worker started without the main process's setup with a configuration error", async () => {
    const result = await runFixture('config-fail', { mode: 'parallel', args: ['--no-enable-global-setup'] });
    const ran = fs.existsSync(path.join(result.outDir, 'ran'));
    removeWork(result);
    expect(result.code).not.to.equal(0);
    expect(result.failures.map((f) => f.err.message).join('\n')).to.contain(
      'this process runs tests, but the run was not set up: "ISOLATION_RUN_DIR" is unset.',
    );
    expect(ran, 'a test ran in a worker without the run set up').to.equal(false);
    expect(result.leftovers).to.deep.equal([]);
  });

  it('refuses a database folder that cannot be written', () =>
    expectStopped(
      { mode: 'parallel', env: { ISOLATION_TMPDIR: '/proc/no-such-folder' } },
      'the run folder could not be created in "/proc/no-such-folder" (ENOENT)',
    ));
});

describe('crashes and interrupts leave nothing behind', () => {
  // A worker that dies loses its file's events; the plugin reports every test of that file (those that passed
  // before the death as passed: each outcome is journaled as it comes), so terminal totals and the JUnit file add
  // up. process.exit() in a test is no death: the test fails and the file goes on.
  const CRASHES = [
    {
      how: 'exit',
      passes: ['never runs after the crash', 'passes before the crash', 'passes in another file'],
      failures: 1,
      message: /^"crash kills its worker" \(crash\.spec\.ts\) called process\.exit\(7\)/,
    },
    // The typed command on the dead file: its variables and arguments, the file instead of the typed ones.
    {
      how: 'abort',
      passes: ['passes before the crash', 'passes in another file'],
      failures: 2,
      message:
        /worker \d+ \(pid \d+, killed by SIGABRT\) died while running crash\.spec\.ts.*Reproduce with (\S+=\S+ )*ISOLATION_SHUFFLE=off (\S+=\S+ )*ISOLATION_SEED=\d+ npx mocha --parallel --jobs 2 --reporter json --reporter-option output=\S+ crash\.spec\.ts$/m,
    },
    {
      how: 'kill',
      passes: ['passes before the crash', 'passes in another file'],
      failures: 2,
      message:
        /worker \d+ \(pid \d+, killed by SIGKILL\) died while running crash\.spec\.ts.*Reproduce with (\S+=\S+ )*ISOLATION_SHUFFLE=off (\S+=\S+ )*ISOLATION_SEED=\d+ npx mocha --parallel --jobs 2 --reporter json --reporter-option output=\S+ crash\.spec\.ts$/m,
    },
    { how: 'load-throw', passes: ['passes in another file'], failures: 1, message: /^crash\.spec\.ts failed to load: / },
    { how: 'load-exit', passes: ['passes in another file'], failures: 1, message: /^crash\.spec\.ts failed to load: / },
  ];
  for (const crash of CRASHES) {
    it(`accounts for every test when a worker dies (${crash.how}, fixtures/crash-fail)`, async () => {
      const env = { FIXTURE_CRASH: crash.how, ISOLATION_SHUFFLE: 'off' };
      const result = await runFixture('crash-fail', { mode: 'parallel', jobs: 2, env });
      removeWork(result);
      expect(result.code).not.to.equal(0);
      expect(titles(result.passes)).to.deep.equal(crash.passes);
      expect(result.failures).to.have.length(crash.failures);
      expect(result.tests).to.have.length(crash.passes.length + crash.failures);
      const messages = result.failures.map((f) => f.err.message ?? '').join('\n');
      expect(messages).to.match(crash.message);
      expect(result.leftovers).to.deep.equal([]);

      const junit = await runFixture('crash-fail', {
        mode: 'parallel',
        jobs: 2,
        env,
        args: ['--reporter-option', 'output=junit.xml'],
        reporter: 'xunit',
      });
      const xml = fs.readFileSync(path.join(fixtureDir('crash-fail'), 'junit.xml'), 'utf8');
      fs.rmSync(path.join(fixtureDir('crash-fail'), 'junit.xml'));
      removeWork(junit);
      const suite = /<testsuite[^>]*>/.exec(xml)?.[0] ?? '';
      const total = crash.passes.length + crash.failures;
      expect(suite).to.contain(`tests="${total}"`).and.contain(`errors="${crash.failures}"`).and.contain('skipped="0"');
      expect(xml.match(/<testcase /g)).to.have.length(total);
    });
  }

  it('fails the test of a serial run that calls process.exit, and runs the rest (fixtures/crash-fail)', async () => {
    const result = await runFixture('crash-fail', { mode: 'serial', env: { FIXTURE_CRASH: 'exit', ISOLATION_SHUFFLE: 'off' } });
    removeWork(result);
    expect(result.code).to.equal(1);
    expect(titles(result.passes)).to.deep.equal(['never runs after the crash', 'passes before the crash', 'passes in another file']);
    expect(result.failures.map((f) => f.err.message)).to.have.length(1);
    expect(result.failures[0]?.err.message).to.match(/^"crash kills its worker" \(crash\.spec\.ts\) called process\.exit\(7\)/);
    expect(result.leftovers).to.deep.equal([]);
  });

  for (const mode of ['serial', 'parallel'] as const) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      it(`${signal} stops the run, its workers and removes the run folder, ending with the signal (${mode}, fixtures/slow)`, async () => {
        const result = await runFixture('slow', { mode, interruptWhen: ['a', 'b'], interruptWith: signal });
        const pids = ['a', 'b']
          .map((name) => path.join(result.outDir, name))
          .filter((file) => fs.existsSync(file))
          .map((file) => Number(fs.readFileSync(file, 'utf8')));
        removeWork(result);
        // Killed by the signal itself (the shell shows 128 + its number), or, for SIGINT, exit 130.
        expect(result.signal ?? result.code).to.be.oneOf([signal, 128 + os.constants.signals[signal]]);
        expect(result.leftovers).to.deep.equal([]);
        expect(pids.filter(isAlive), 'a worker outlived the run').to.deep.equal([]);
      });
    }
  }
});

describe('leaks the plugin cannot roll back are named (fixtures/server-leak-fail)', () => {
  it('fails the test that left a server listening, by name, with ISOLATION_LEAKS=fail', async () => {
    const result = await runFixture('server-leak-fail', { mode: 'parallel', env: { ISOLATION_LEAKS: 'fail' } });
    removeWork(result);
    // Its own leak: nothing for bisect to find.
    expect(result.stderr).not.to.contain('find a test that polluted it');
    expect(result.failures.map((f) => f.err.message?.replace(/:\d+\./, ':PORT.'))).to.deep.equal([
      'test "servers leaves a server listening" (leak.spec.ts) left behind servers: 127.0.0.1:PORT. Undo it before the test ends (close servers, clear timers, remove listeners, restore what you change), or set ISOLATION_LEAKS=report.',
    ]);
  });

  it('reports the test that left a server listening by default, and closes the server', async () => {
    const result = await runFixture('server-leak-fail', { mode: 'parallel' });
    removeWork(result);
    expect(result.failures).to.deep.equal([]);
    expect(result.stderr).to.match(
      /servers: 1 test\(s\) left servers listening \(the plugin closed them\)\n {4}- "servers leaves a server listening" \(leak\.spec\.ts, worker \d+\): 127\.0\.0\.1:\d+/,
    );
  });

  it('reports nothing when the check is off', async () => {
    const result = await runFixture('server-leak-fail', { mode: 'parallel', env: { ISOLATION_LEAKS: 'off' } });
    removeWork(result);
    expect(result.failures).to.deep.equal([]);
    expect(result.stderr).not.to.contain('listening');
  });
});
