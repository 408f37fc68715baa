// The mocha config files a project already has: the one defineConfig extends (`extends: '.mocharc.yml'`, read
// with mocha's own loader), and those mocha ignores because it reads one config file only. Runs in: main process
// (from .mocharc.cjs, through defineConfig) and `mocha-isolation init`.
//
// Why: two public suites kept their options in YAML or JSON; once a .mocharc.cjs exists, mocha silently ignores
// their .mocharc.yml, and a user who keeps editing it wonders why nothing changes.

import fs from 'node:fs';
import path from 'node:path';
import { requireMochaLib } from '../../shared/mocha-internals';

interface MochaConfigModule {
  /** In order of precedence: mocha reads the first it finds and ignores the rest. */
  CONFIG_FILES: string[];
  loadConfig(file: string): Record<string, unknown>;
}

export function mochaConfigModule(): MochaConfigModule {
  return requireMochaLib<MochaConfigModule>('cli/config');
}

/** The options of a config file, as mocha reads it; for package.json, its "mocha" key. */
export function readConfigFile(file: string, cwd: string): Record<string, unknown> {
  const full = path.resolve(cwd, file);
  if (!fs.existsSync(full))
    throw new Error(
      `"extends" names ${file}, which does not exist in ${cwd}. Name a mocha config file (.mocharc.yml, .json, .jsonc, .js, .cjs) or package.json.`,
    );
  if (path.basename(full) === 'package.json') {
    const options = (JSON.parse(fs.readFileSync(full, 'utf8')) as { mocha?: unknown }).mocha;
    if (options === undefined || typeof options !== 'object' || options === null)
      throw new Error(`"extends" names ${file}, which has no "mocha" key. Name a file that holds mocha options.`);
    return { ...(options as Record<string, unknown>) };
  }
  return { ...mochaConfigModule().loadConfig(full) };
}

/** Config files in `cwd` that mocha will not read, this run reading `used` (and `extended` through defineConfig). */
export function ignoredConfigFiles(cwd: string, used: string | undefined, extended: string | undefined): string[] {
  const read = new Set([used, extended].filter((file): file is string => file !== undefined).map((file) => path.resolve(cwd, file)));
  return mochaConfigModule()
    .CONFIG_FILES.map((name) => path.join(cwd, name))
    .filter((file) => fs.existsSync(file) && !read.has(file))
    .map((file) => path.basename(file));
}

/** The config file this run reads: --config, else the first of mocha's names in the working directory. */
export function configInUse(cwd: string, given: string | undefined): string | undefined {
  if (given !== undefined) return path.resolve(cwd, given);
  const found = mochaConfigModule()
    .CONFIG_FILES.map((name) => path.join(cwd, name))
    .find((file) => fs.existsSync(file));
  return found;
}
