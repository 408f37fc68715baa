// How the user started mocha, when it was not `npx mocha`: the words every printed command and every run of
// replay, bisect and repeat start with. Runs in: main process (the first one that loads the config), and the
// plugin's commands (which run what was recorded).
//
// Why: a suite run as `npx tsx --tsconfig=… node_modules/mocha/bin/mocha.js` or through `npm test` needs its
// launcher; without it the printed command gave 79 failures where the run had 19. Found, in this order: the
// config's `isolation.launcher`; under npm, the script's command that ran mocha; the process that started
// mocha, when its command line names mocha's script (a launcher such as tsx, which starts node with its own
// flags); node's own flags (`node -r ts-node/register node_modules/.bin/mocha`). Otherwise `npx mocha`.

import fs from 'node:fs';
import path from 'node:path';
import { type TypingShell, typingShell } from './command-variables';

export const DEFAULT_LAUNCHER: readonly string[] = ['npx', 'mocha'];

export interface LaunchFacts {
  env: Readonly<Record<string, string | undefined>>;
  /** This process's argv and execArgv. */
  argv: readonly string[];
  execArgv: readonly string[];
  cwd: string;
  /** The parent process's command line (Linux: /proc/<ppid>/cmdline), undefined where it cannot be read. */
  parentArgv: readonly string[] | undefined;
  /** The shell the command was typed in and its command's first process (command-variables.ts). */
  typing?: TypingShell | undefined;
}

export function launchFacts(): LaunchFacts {
  return {
    env: process.env,
    argv: process.argv,
    execArgv: process.execArgv,
    cwd: process.cwd(),
    parentArgv: readCommandLine(process.ppid),
    typing: typingShell(),
  };
}

function readCommandLine(pid: number): string[] | undefined {
  try {
    const words = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (words.at(-1) === '') words.pop();
    return words;
  } catch {
    return undefined;
  }
}

export interface Launch {
  /** The words that start mocha, before its arguments. */
  launcher: string[];
  /** The typed arguments that follow them. */
  args: string[];
  /** Variables the launching command set (`FORCE_COLOR=1 mocha` in an npm script). */
  env?: Record<string, string>;
}

/** How to start mocha as the user did; undefined for plain `npx mocha` (or what cannot be known). */
export function detectLauncher(facts: LaunchFacts, args: readonly string[], configured?: string): Launch | undefined {
  if (configured !== undefined && configured.trim() !== '') return { launcher: shellSplit(configured), args: [...args] };
  const script = facts.argv[1];
  if (script === undefined) return undefined;
  const underNpm = npmScript(facts.env, facts.parentArgv, args);
  if (underNpm !== undefined) return underNpm;
  const launcher = launcherProcess(facts, script);
  return launcher === undefined ? undefined : { launcher, args: [...args] };
}

function launcherProcess(facts: LaunchFacts, script: string): string[] | undefined {
  const parent = facts.parentArgv;
  const mochaAt = parent === undefined ? -1 : parent.findIndex((word, i) => i > 0 && sameFile(word, script, facts.cwd));
  if (parent !== undefined && mochaAt > 0) {
    const before = parent.slice(0, mochaAt);
    // A launcher run by node (its script in node_modules) is named as npx would find it.
    const words = isNode(before[0] as string) ? before.slice(1) : before;
    const [program, ...flags] = words;
    if (program !== undefined) return [...npxName(program), ...flags, parent[mochaAt] as string];
  }
  if (facts.execArgv.length > 0) return ['node', ...facts.execArgv, relativeTo(facts.cwd, script)];
  return undefined;
}

/**
 * Under `npm test` / `npm run x`: the script's command that ran mocha, as a shell would run it outside npm
 * (`FORCE_COLOR=1 mocha …` → the variable, then `npx mocha`). Not `npm run x -- <files>`: npm appends to the
 * script's own spec folders, so replay and bisect, which name their own files, would run every file.
 */
function npmScript(env: LaunchFacts['env'], parentArgv: LaunchFacts['parentArgv'], args: readonly string[]): Launch | undefined {
  const event = env.npm_lifecycle_event;
  const script = env.npm_lifecycle_script;
  if (event === undefined || script === undefined || event === 'npx') return undefined;
  // npm runs a script as `sh -c '<script> <added arguments>'`: mocha's parent says it is that script's command,
  // not a mocha some test of the suite started with npm's variables still in its environment.
  const [shell, flag, line] = parentArgv ?? [];
  if (shell === undefined || !/(^|\/)(ba|da)?sh$/.test(shell) || flag !== '-c' || line?.startsWith(script) !== true) return undefined;
  const commands = script.split(/&&|\|\||;|\|/).map((command) => shellSplit(command));
  const command = commands.reverse().find((words) => words.some(isMochaWord));
  if (command === undefined) return undefined;
  const mochaAt = command.findIndex(isMochaWord);
  const assignments: Record<string, string> = {};
  let first = 0;
  for (; first < mochaAt && /^[A-Za-z_][A-Za-z0-9_]*=/.test(command[first] as string); first++) {
    const [name, ...value] = (command[first] as string).split('=');
    assignments[name as string] = value.join('=');
  }
  const [program, ...rest] = command.slice(first, mochaAt + 1);
  if (program === undefined) return undefined;
  // npm puts node_modules/.bin on PATH; a shell needs npx to find a bin named bare.
  const launcher = /[\\/]/.test(program) || program === 'node' ? [program, ...rest] : ['npx', program, ...rest];
  return { launcher, args: [...args], env: assignments };
}

function isMochaWord(word: string): boolean {
  return /(^|[\\/])mocha(\.c?js)?$/.test(word);
}

function isNode(word: string): boolean {
  return /^node(\.exe)?$/.test(path.basename(word)) || word === process.execPath;
}

/** `…/node_modules/.bin/tsx` or `…/node_modules/tsx/dist/cli.mjs` → `npx tsx`; anything else as it was typed. */
function npxName(program: string): string[] {
  const bin = /(?:^|[\\/])node_modules[\\/]\.bin[\\/]([^\\/]+)$/.exec(program);
  if (bin !== null) return ['npx', bin[1] as string];
  const pkg = /(?:^|[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(program);
  if (pkg !== null) return ['npx', (pkg[1] as string).replace(/\\/g, '/')];
  return [program];
}

function sameFile(word: string, script: string, cwd: string): boolean {
  try {
    return fs.realpathSync(path.resolve(cwd, word)) === fs.realpathSync(script);
  } catch {
    return false;
  }
}

function relativeTo(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') ? file : relative;
}

/** Splits a command line as a POSIX shell would split plain words and quoted strings (no expansions). */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && /["\\$`]/.test(line[i + 1] ?? '')) word = (word ?? '') + line[++i];
      else word = (word ?? '') + char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
