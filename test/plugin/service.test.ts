import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './support/run-fixture';

interface Report {
  passes: { file: string }[];
  failures: { fullTitle: string }[];
}

/** Runs the service's own suite the way a user does, with the repo's .mocharc.cjs. */
function runService(args: string[]): Promise<Report> {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'service-')), 'report.json');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ISOLATION_') && !k.startsWith('MOCHA_')));
  const child = spawn(
    process.execPath,
    [path.join(REPO, 'node_modules/mocha/bin/mocha.js'), ...args, '--reporter', 'json', '--reporter-option', `output=${report}`],
    { cwd: REPO, env, stdio: 'ignore' },
  );
  return new Promise((resolve) =>
    child.on('close', () => {
      const parsed = JSON.parse(fs.readFileSync(report, 'utf8')) as Report;
      fs.rmSync(path.dirname(report), { recursive: true, force: true });
      resolve(parsed);
    }),
  );
}

// The seeds' four files keep their 33 tests; the other files are the service's own (listed in src/README.md).
const SEED_FILES = [
  ['learning', 9],
  ['integration', 8],
  ['idempotency', 6],
  ['global-aggregation', 10],
] as const;
const SERVICE_FILES = [
  ['observation-limits', 9],
  ['request-guard', 2],
  ['request-schemas', 14],
  ['settings', 5],
  ['idempotency-scope', 4],
  ['rate-limit', 4],
  ['segment-totals', 3],
] as const;
const TOTAL = [...SEED_FILES, ...SERVICE_FILES].reduce((sum, [, count]) => sum + count, 0);

describe('the service suite, run as a user runs it', () => {
  it('has exactly the spec files listed here', () => {
    const files = fs.readdirSync(path.join(REPO, 'test')).filter((name) => name.endsWith('.spec.ts'));
    expect(files.sort()).to.deep.equal([...SEED_FILES, ...SERVICE_FILES].map(([file]) => `${file}.spec.ts`).sort());
  });

  for (const [file, count] of SEED_FILES) {
    it(`runs test/${file}.spec.ts alone: ${count} tests, that file only`, async () => {
      const report = await runService([`test/${file}.spec.ts`]);
      expect(report.failures).to.deep.equal([]);
      expect(report.passes).to.have.length(count);
      expect(new Set(report.passes.map((p) => path.relative(REPO, p.file)))).to.deep.equal(new Set([`test/${file}.spec.ts`]));
    });
  }

  for (const args of [['-j', '1'], ['-j', '4'], ['--no-parallel']]) {
    it(`passes all ${TOTAL} (the seeds' 33 in four files and the service's own) with ${args.join(' ')}`, async () => {
      const report = await runService(args);
      expect(report.failures).to.deep.equal([]);
      expect(report.passes).to.have.length(TOTAL);
    });
  }
});
