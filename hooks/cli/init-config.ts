// `mocha-isolation init`: turns the project's mocha config into the plugin's .mocharc.cjs. Runs in: the command's
// own process, outside any mocha run.
//
// What it does with each kind of config: a YAML, JSON or JSONC file stays where it is, untouched (its comments
// too), and the new .mocharc.cjs reads it (`extends`), so the user keeps editing it; a .mocharc.js or .cjs that
// is not the plugin's is renamed aside (`.mocharc.before-isolation.cjs`, which mocha does not look for) and
// read the same way; package.json's "mocha" key, which mocha would read on top of any config file, moves into
// the new file. The plugin's hooks are added to `require`; the cache folder to .gitignore. Run again, it finds
// its own file and changes nothing. `--dry-run` shows the file and the steps without writing anything.

import fs from 'node:fs';
import path from 'node:path';
import { mochaConfigModule, readConfigFile } from '../main/invocation/config-files';

const PLUGIN_HOOKS = 'mocha-isolation/hooks';
const PLUGIN_CONFIG = '.mocharc.cjs';
const ASIDE = '.mocharc.before-isolation';
const CACHE_FOLDER = '.mocha-isolation/';

export interface InitOptions {
  cwd: string;
  dryRun: boolean;
  /** A config file named with --config instead of the one mocha finds. */
  config?: string;
  print: (line: string) => void;
}

/** Returns the exit status: 0 done or nothing to do, 2 when it cannot tell what to convert. */
export function initConfig(options: InitOptions): number {
  const { cwd, dryRun, print } = options;
  const steps: string[] = [];
  const write = (file: string, text: string, what: string): void => {
    steps.push(what);
    if (!dryRun) fs.writeFileSync(path.join(cwd, file), text);
  };
  const existing = options.config ?? mochaConfigModule().CONFIG_FILES.find((name) => fs.existsSync(path.join(cwd, name)));
  const pluginFile = path.join(cwd, PLUGIN_CONFIG);
  if (existing === PLUGIN_CONFIG && fs.readFileSync(pluginFile, 'utf8').includes('mocha-isolation/hooks/mocharc')) {
    ensureGitignore(cwd, dryRun, steps);
    print(
      `mocha-isolation init: ${PLUGIN_CONFIG} already uses the plugin; ${steps.length === 0 ? 'nothing to do.' : steps.join('; ') + '.'}`,
    );
    return 0;
  }

  let extendsFile: string | undefined;
  let literal: Record<string, unknown>;
  let from: string;
  const packageJson = path.join(cwd, 'package.json');
  const packageOptions = fs.existsSync(packageJson)
    ? (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { mocha?: Record<string, unknown> }).mocha
    : undefined;
  if (existing !== undefined) {
    if (!fs.existsSync(path.resolve(cwd, existing))) {
      print(
        `mocha-isolation init: ${existing} does not exist in ${cwd}. Name the config file mocha reads (--config FILE), or run init where it is.`,
      );
      return 2;
    }
    const options = readConfigFile(existing, cwd);
    from = existing;
    if (/\.(c|m)?js$/.test(existing) && path.dirname(path.resolve(cwd, existing)) === cwd) {
      // A JS config in the way of the new one: renamed aside, read from there.
      extendsFile = `${ASIDE}${path.extname(existing) === '.mjs' ? '.mjs' : '.cjs'}`;
      steps.push(`renamed ${existing} to ${extendsFile} (mocha does not look for that name; the new ${PLUGIN_CONFIG} reads it)`);
      if (!dryRun) fs.renameSync(path.join(cwd, existing), path.join(cwd, extendsFile));
    } else {
      extendsFile = path.relative(cwd, path.resolve(cwd, existing)).split(path.sep).join('/');
      steps.push(`kept ${extendsFile} as it is: the new ${PLUGIN_CONFIG} reads it (keep editing it there)`);
    }
    literal = { require: withPluginHooks(options.require) };
  } else if (packageOptions !== undefined) {
    // mocha reads package.json's "mocha" key on top of any config file: it moves, or it would count twice.
    from = 'package.json ("mocha")';
    literal = { ...packageOptions, require: withPluginHooks(packageOptions.require) };
    steps.push('moved the "mocha" key of package.json into it');
    if (!dryRun) removePackageKey(packageJson);
  } else {
    from = 'no config (mocha defaults)';
    literal = { spec: ['test/**/*.spec.ts'], extension: ['ts'], require: ['ts-node/register', PLUGIN_HOOKS] };
    steps.push('no mocha config found: wrote one for TypeScript specs under test/ (edit spec and require)');
  }
  const text = pluginConfigText(from, extendsFile, literal);
  write(PLUGIN_CONFIG, text, `wrote ${PLUGIN_CONFIG}`);
  ensureGitignore(cwd, dryRun, steps);
  if (options.config !== undefined)
    steps.push(`run mocha without --config ${options.config} (it would read that file only), or with --config ${PLUGIN_CONFIG}`);
  if (dryRun) {
    print(`mocha-isolation init --dry-run: would write ${PLUGIN_CONFIG}:\n${text}`);
    for (const step of steps) print(`  would have: ${step}`);
    return 0;
  }
  print(`mocha-isolation init: from ${from}:`);
  for (const step of steps) print(`  ${step}`);
  return 0;
}

function withPluginHooks(required: unknown): string[] {
  const list = required === undefined ? [] : [required].flat().map(String);
  return list.includes(PLUGIN_HOOKS) ? list : [...list, PLUGIN_HOOKS];
}

function pluginConfigText(from: string, extendsFile: string | undefined, literal: Record<string, unknown>): string {
  const options = { ...(extendsFile === undefined ? {} : { extends: extendsFile }), ...literal };
  const body = Object.entries(options)
    .map(([key, value]) => `  ${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${JSON.stringify(value)},`)
    .join('\n');
  const note =
    extendsFile === undefined
      ? `// Written by \`npx mocha-isolation init\` from ${from}.`
      : `// Written by \`npx mocha-isolation init\`: the options are ${extendsFile}'s; those below replace its own.`;
  return `${note}\nconst { defineConfig } = require('mocha-isolation/hooks/mocharc');\n\nmodule.exports = defineConfig({\n${body}\n});\n`;
}

function ensureGitignore(cwd: string, dryRun: boolean, steps: string[]): void {
  const file = path.join(cwd, '.gitignore');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (
    text
      .split('\n')
      .some((line) => ['.mocha-isolation', '.mocha-isolation/', '/.mocha-isolation', '/.mocha-isolation/'].includes(line.trim()))
  )
    return;
  steps.push(`added ${CACHE_FOLDER} to .gitignore (the plugin's cache and run records)`);
  if (!dryRun) fs.writeFileSync(file, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${CACHE_FOLDER}\n`);
}

function removePackageKey(file: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const indent = /^(\s+)"/m.exec(text)?.[1] ?? '  ';
  const parsed = JSON.parse(text) as Record<string, unknown>;
  delete parsed.mocha;
  fs.writeFileSync(file, `${JSON.stringify(parsed, null, indent)}\n`);
}
