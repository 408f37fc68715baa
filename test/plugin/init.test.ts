import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, fixtureDir } from './support/run-fixture';

// Issue 20 §3: `mocha-isolation init` on copies of four real kinds of config (a YAML with ts-node/register as
// hexo keeps, a JSON file under .config/ named with --config as TypeDoc keeps, package.json's "mocha" key, a
// .mocharc.js): afterwards mocha runs the same tests, through the plugin; run again, init changes nothing;
// --dry-run writes nothing. The projects sit in the temp folder (mocha looks for config files up the tree), their
// node_modules linking to this repository's packages, and `mocha-isolation` to a shim of this repository's hooks.
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'init-work-'));
const CLI = path.join(REPO, 'hooks/cli/cli.ts');
const outerFree = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(ISOLATION_|MOCHA_|npm_)/.test(key)));

interface Project {
  name: string;
  files: Record<string, string>;
  /** Extra mocha arguments the project runs with (its --config). */
  args: string[];
  initArgs: string[];
}

const SPEC_FILES = Object.fromEntries(
  ['one', 'two', 'three'].map((name) => [
    `test/${name}.spec.ts`,
    fs.readFileSync(path.join(fixtureDir('order'), `${name}.spec.ts`), 'utf8'),
  ]),
);
const PROJECTS: Project[] = [
  {
    name: 'yaml',
    files: { '.mocharc.yml': "# hexo-like\nspec: 'test/**/*.spec.ts'\nextension: ts\nrequire: ts-node/register\ntimeout: 10000\n" },
    args: [],
    initArgs: [],
  },
  {
    name: 'json-config',
    files: { '.config/mocha.fast.json': JSON.stringify({ spec: ['test/**/*.spec.ts'], extension: ['ts'], require: ['ts-node/register'] }) },
    args: ['--config', '.config/mocha.fast.json'],
    initArgs: ['--config', '.config/mocha.fast.json'],
  },
  {
    name: 'package-key',
    files: {
      'package.json': `${JSON.stringify({ name: 'p', private: true, mocha: { spec: 'test/**/*.spec.ts', extension: ['ts'], require: 'ts-node/register' } }, null, 2)}\n`,
    },
    args: [],
    initArgs: [],
  },
  {
    name: 'mocharc-js',
    files: { '.mocharc.js': "module.exports = { spec: ['test/**/*.spec.ts'], extension: ['ts'], require: ['ts-node/register'] };\n" },
    args: [],
    initArgs: [],
  },
];

function makeProject(project: Project): string {
  const dir = path.join(WORK, project.name);
  fs.rmSync(dir, { recursive: true, force: true });
  const files: Record<string, string> = {
    ...SPEC_FILES,
    ...project.files,
    'node_modules/mocha-isolation/package.json': JSON.stringify({
      name: 'mocha-isolation',
      exports: { './hooks': './hooks.js', './hooks/mocharc': './mocharc.js' },
    }),
    'node_modules/mocha-isolation/hooks.js': `require('ts-node/register');\nmodule.exports = require(${JSON.stringify(path.join(REPO, 'hooks'))});\n`,
    'node_modules/mocha-isolation/mocharc.js': `require('ts-node/register');\nmodule.exports = require(${JSON.stringify(path.join(REPO, 'hooks/mocharc'))});\n`,
  };
  if (files['package.json'] === undefined) files['package.json'] = '{ "name": "p", "private": true }\n';
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  for (const name of fs.readdirSync(path.join(REPO, 'node_modules'))) {
    if (name !== 'mocha-isolation' && !name.startsWith('.'))
      fs.symlinkSync(path.join(REPO, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  return dir;
}

const snapshot = (dir: string): Record<string, string> =>
  Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter(
        (entry) =>
          entry.isFile() &&
          !path.join(entry.parentPath, entry.name).includes(`${path.sep}node_modules${path.sep}`) &&
          !entry.parentPath.includes('.mocha-isolation'),
      )
      .map((entry) => [
        path.relative(dir, path.join(entry.parentPath, entry.name)),
        fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8'),
      ]),
  );

describe('mocha-isolation init (four kinds of config)', () => {
  after(() => process.env.KEEP_INIT_WORK === undefined && fs.rmSync(WORK, { recursive: true, force: true }));
  // TypeScript, the specs' and the shimmed plugin's, compiles with this repository's tsconfig (its types).
  const tsEnv = (): NodeJS.ProcessEnv => ({ ...outerFree(), TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') });
  // The project's own mocha, through its node_modules links, so that it finds `mocha-isolation` there as it would installed.
  const mocha = (dir: string, args: string[]) =>
    spawnSync(
      process.execPath,
      ['--preserve-symlinks', '--preserve-symlinks-main', 'node_modules/mocha/bin/mocha.js', ...args, '--reporter', 'json'],
      { cwd: dir, env: { ...tsEnv(), ISOLATION_REPORT: 'off' }, encoding: 'utf8' },
    );
  const init = (dir: string, args: string[]) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register', CLI, 'init', ...args], { cwd: dir, env: tsEnv(), encoding: 'utf8' });
  const count = (run: ReturnType<typeof mocha>): number => (JSON.parse(run.stdout) as { stats: { tests: number } }).stats.tests;

  for (const project of PROJECTS) {
    it(`converts ${project.name}: the same tests run, through the plugin; a second init changes nothing`, () => {
      const dir = makeProject(project);
      const before = mocha(dir, project.args);
      expect(before.status, before.stderr).to.equal(0);
      expect(before.stderr).not.to.contain('mocha-isolation: seed');

      const first = init(dir, project.initArgs);
      expect(first.status, first.stderr).to.equal(0);
      expect(first.stderr).to.contain('wrote .mocharc.cjs').and.contain('added .mocha-isolation/ to .gitignore');
      const after = mocha(dir, []);
      expect(after.status, after.stderr).to.equal(0);
      expect(after.stderr).to.contain('mocha-isolation: seed');
      expect(after.stderr, 'no config is left for mocha to ignore').not.to.contain('ignores');
      expect(count(after)).to.equal(count(before)).and.equal(27);

      const files = snapshot(dir);
      const second = init(dir, []);
      expect(second.stderr).to.contain('already uses the plugin; nothing to do.');
      expect(snapshot(dir)).to.deep.equal(files);
    });
  }

  it('keeps a YAML file and its comments where they are, and --dry-run writes nothing', () => {
    const dir = makeProject(PROJECTS[0] as Project);
    const files = snapshot(dir);
    const dry = init(dir, ['--dry-run']);
    expect(dry.stderr).to.contain('extends: ".mocharc.yml",').and.contain('require: ["ts-node/register","mocha-isolation/hooks"]');
    expect(snapshot(dir)).to.deep.equal(files);
    init(dir, []);
    expect(fs.readFileSync(path.join(dir, '.mocharc.yml'), 'utf8')).to.equal(files['.mocharc.yml']);
  });

  it("names a config file mocha ignores beside the plugin's", () => {
    const dir = makeProject(PROJECTS[3] as Project);
    init(dir, []);
    fs.writeFileSync(path.join(dir, '.mocharc.json'), '{ "timeout": 1 }\n');
    const run = mocha(dir, []);
    expect(run.stderr).to.contain('mocha-isolation: mocha reads one config file, .mocharc.cjs, and ignores .mocharc.json.');
  });
});
