import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installConsumer, userEnv } from './support/consumer-project';
import { nodeBinary } from './support/node-binaries';

// Issue 20 §4: a TypeScript project with the plugin as npm installs it (the built JavaScript), under each way of
// running TypeScript: ts-node/register (transpile-only, as most projects set it), @swc/register (CommonJS only),
// Node's own type stripping (Node 22.18+ and 23.6+ without a flag; here Node 24, fetched like the matrix's), tsx
// as a node option and tsx as the command that starts mocha; .ts specs (CommonJS) and an .mts spec (an ES module)
// where the runner loads them. Serially and in parallel, fresh modules on and off. (The plugin's own fixtures
// compile with @swc/register: fixtures/register-ts.cjs says why.)

/** Each file bumps a project module's counter: it starts at 0 in every file only when modules are fresh per file. */
const spec = (name: string, importLine: string) => `${importLine}
describe('${name}', () => {
  it('${name} sets a variable for itself', () => {
    const value: string = '${name}';
    setEnv({ RUNNER_LEAK: value });
    expect(process.env.RUNNER_LEAK).to.equal(value);
  });
  it('${name} sees no variable another test set', () => expect(process.env.RUNNER_LEAK).to.equal(undefined));
  it('${name} counts from a fresh module when modules are fresh', () => {
    counter.count += 1;
    if (process.env.EXPECT_FRESH === '1') expect(counter.count).to.equal(1);
  });
});
`;
const CJS_IMPORTS = `import { expect } from 'chai';
import { setEnv } from 'mocha-isolation/hooks';
import counter = require('./counter');`;
const ESM_IMPORTS = `import { expect } from 'chai';
import hooks from 'mocha-isolation/hooks';
import counter from './counter.mts';
const { setEnv } = hooks;`;

interface Runner {
  name: string;
  /** Its config file: `<slug>.mocharc.cjs`. */
  slug: string;
  /** The node that runs mocha. */
  node: () => string;
  /** What that node runs before mocha's script (a launcher such as tsx's command), relative to the project. */
  launcher?: string[];
  config: Record<string, unknown>;
  /** The specs it loads: 3 CommonJS .ts files, and the ES-module .mts one where it can. */
  tests: number;
  /** Whether an .mts spec runs (fresh modules then name it once: Node cannot unload an ES module). */
  esm: boolean;
}

const RUNNERS: Runner[] = [
  {
    name: 'ts-node/register',
    slug: 'ts-node',
    node: () => process.execPath,
    config: { spec: ['test/*.spec.ts'], extension: ['ts'], require: ['ts-node/register', 'mocha-isolation/hooks'] },
    tests: 9,
    esm: false,
  },
  {
    name: '@swc/register',
    slug: 'swc-register',
    node: () => process.execPath,
    config: { spec: ['test/*.spec.ts'], extension: ['ts'], require: ['@swc/register', 'mocha-isolation/hooks'] },
    tests: 9,
    esm: false,
  },
  // Type stripping needs erasable syntax only (`import x = require()` is not: the CommonJS specs use it under
  // the other runners, and plain `import` here). Node 24 strips types without a flag.
  {
    name: "Node 24's type stripping",
    slug: 'type-stripping',
    node: () => nodeBinary(24),
    config: { spec: ['strip/*.spec.ts', 'strip/*.spec.mts'], extension: ['ts', 'mts'], require: ['mocha-isolation/hooks'] },
    tests: 12,
    esm: true,
  },
  {
    name: 'tsx as the command (npx tsx node_modules/mocha/bin/mocha.js)',
    slug: 'tsx-command',
    node: () => process.execPath,
    launcher: ['node_modules/tsx/dist/cli.mjs'],
    config: { spec: ['test/*.spec.ts', 'strip/*.spec.mts'], extension: ['ts', 'mts'], require: ['mocha-isolation/hooks'] },
    tests: 12,
    esm: true,
  },
  {
    name: 'tsx as a node option',
    slug: 'tsx',
    node: () => process.execPath,
    config: {
      spec: ['test/*.spec.ts', 'strip/*.spec.mts'],
      extension: ['ts', 'mts'],
      'node-option': ['import=tsx'],
      require: ['mocha-isolation/hooks'],
    },
    tests: 12,
    esm: true,
  },
];

describe('a TypeScript project without ts-node, on the packed plugin', () => {
  let project: string;

  before(function () {
    this.timeout(300_000);
    project = installConsumer('consumer-ts', ['mocha', 'chai', '@swc/register', '@swc/core', 'tsx', 'ts-node', 'typescript']);
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.writeFileSync(path.join(project, file), text);
    };
    write('.swcrc', JSON.stringify({ jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }));
    write(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'commonjs',
          esModuleInterop: true,
          strict: true,
          allowImportingTsExtensions: true,
          noEmit: true,
        },
        'ts-node': { transpileOnly: true },
      }),
    );
    write('test/counter.ts', 'export = { count: 0 as number };\n');
    for (const name of ['a', 'b', 'c']) write(`test/${name}.spec.ts`, spec(name, CJS_IMPORTS));
    // CommonJS for type stripping: `export =` is not erasable, so the counter is a plain module.exports.
    write('strip/counter.cts', 'module.exports = { count: 0 as number };\n');
    for (const name of ['a', 'b', 'c'])
      write(
        `strip/${name}.spec.ts`,
        spec(
          name,
          "const { expect } = require('chai');\nconst { setEnv } = require('mocha-isolation/hooks');\nconst counter = require('./counter.cts');",
        ),
      );
    write('strip/counter.mts', 'export default { count: 0 as number };\n');
    write('strip/package.json', '{}\n');
    write('strip/d.spec.mts', spec('d', ESM_IMPORTS));
    for (const runner of RUNNERS) {
      write(
        `${runner.slug}.mocharc.cjs`,
        `const { defineConfig } = require('mocha-isolation/hooks/mocharc');\nmodule.exports = defineConfig(${JSON.stringify(runner.config)});\n`,
      );
    }
  });

  after(() => {
    if (project !== undefined) fs.rmSync(project, { recursive: true, force: true });
  });

  for (const runner of RUNNERS) {
    for (const mode of [['--no-parallel'], ['--parallel', '--jobs', '2']]) {
      for (const fresh of [false, true]) {
        it(`runs every spec with ${runner.name}, ${mode[0]}, fresh modules ${fresh ? 'on' : 'off'}`, function () {
          this.timeout(120_000);
          const config = `${runner.slug}.mocharc.cjs`;
          const env = { ...userEnv(), ...(fresh ? { ISOLATION_MODULES: 'file', EXPECT_FRESH: '1' } : {}) };
          const launcher = (runner.launcher ?? []).map((word) => path.join(project, word));
          const run = spawnSync(
            runner.node(),
            [...launcher, path.join(project, 'node_modules/mocha/bin/mocha.js'), '--config', config, ...mode, '--reporter', 'dot'],
            { cwd: project, env, encoding: 'utf8' },
          );
          const output = `${run.stdout}\n${run.stderr}`;
          expect(run.status, output).to.equal(0);
          expect(output).to.contain(`${runner.tests} passing`);
          const esmNotes = run.stderr.match(/is an ES module: Node cannot unload ES modules/g) ?? [];
          expect(esmNotes, run.stderr).to.have.length(fresh && runner.esm ? 1 : 0);
        });
      }
    }
  }

  it('fails without fresh modules where a file counts on them: the counter check can fail (serial, @swc/register)', function () {
    this.timeout(120_000);
    const run = spawnSync(
      process.execPath,
      [path.join(project, 'node_modules/mocha/bin/mocha.js'), '--config', 'swc-register.mocharc.cjs', '--no-parallel', '--reporter', 'dot'],
      {
        cwd: project,
        env: { ...userEnv(), EXPECT_FRESH: '1' },
        encoding: 'utf8',
      },
    );
    expect(run.status).to.equal(2);
    expect(run.stdout).to.contain('expected 2 to equal 1').and.contain('expected 3 to equal 1');
  });
});
