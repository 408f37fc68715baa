// The variables the user set for the command that started mocha (`DB="sqlite3 better-sqlite3" npx mocha`): every
// printed command and every run of replay and bisect carries them. Runs in: main process (the first one that
// loads the config, through defineConfig).
//
// Why: an ORM's suite run as `DB=… npx mocha` printed a reproduce line without `DB`; run as printed it gave 3807
// failures instead of 35. How they are found (Linux, /proc): the shell the command was typed in is the nearest
// ancestor shell that npm did not start (npm runs scripts and bins through `sh -c`); the process it started for
// the command (npx, npm, a launcher such as tsx, or mocha itself) began with the shell's environment plus what
// the command line set, so the two are compared. What npm, npx, tsx or mocha add later for their own children
// (`npm_*`, `TSX_TSCONFIG_PATH`) is not in that first process, and what the shell and the terminal set for every
// command (`_`, `SHLVL`, `TERM`, …) is left out by name. A variable an rc file
// exported when a terminal's shell started looks set for the command too: for an interactive shell, a new one is
// asked what it sets (`$SHELL -i -c env`, two seconds at most) and what it sets the same is not carried, since a
// command pasted into a new terminal gets it anyway. What is left (`export X=1` typed earlier) is carried: a longer
// line, never a wrong one. Where /proc cannot be read, nothing is carried.
//
// No secret is written to disk: a variable whose name says it holds one (token, secret, password, key,
// credentials, auth), or whose value is a URL with a password, is carried by name only. Printed commands ask the
// shell for it (`API_TOKEN="${API_TOKEN:?…}"`), and replay and bisect refuse to run without it.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export interface CommandVariables {
  /** Name → value, for the variables whose value may be stored and printed. */
  values: Record<string, string>;
  /** Names of the variables that hold a secret: set for the command, value not kept. */
  secrets: string[];
}

interface ProcessFacts {
  argv: string[];
  env: Record<string, string>;
  parent: number;
}

/** Set by npm, node, the shell or the terminal, never by the user for one command (or carried otherwise). */
const NOT_FOR_THE_COMMAND = [
  /^npm_/i,
  /^(NODE|INIT_CWD|COLOR|EDITOR|PATH|PWD|OLDPWD|SHLVL|_|SHELL|HOME|USER|LOGNAME|MAIL|HOSTNAME|TERM|COLORTERM|DISPLAY|WINDOWID|GPG_TTY|LS_COLORS|PROMPT_COMMAND)$/,
  /^(TERM_|SSH_|XDG_|TMUX|DBUS_|VSCODE_|NVM_|HIST|PS\d$)/,
  // The plugin's own (the order-changing ones are carried by seed-line.ts), and mocha's worker ids.
  /^(ISOLATION_|MOCHA_)/,
];

const SECRET_NAME = /(TOKEN|SECRET|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|(^|_)(PWD|PASS|KEY|AUTH|API_?KEY)($|_))/i;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^@\s/]+@/i;

function isSecret(name: string, value: string): boolean {
  return SECRET_NAME.test(name) || URL_WITH_PASSWORD.test(value);
}

/** The typing shell's environment, and the environment its command's process started with. */
export interface TypingShell {
  shell: Readonly<Record<string, string>>;
  command: Readonly<Record<string, string>>;
}

/** What the command line set on top of the typing shell's environment, sorted into values and secrets. */
export function commandVariables(typing: TypingShell | undefined): CommandVariables {
  const found: CommandVariables = { values: {}, secrets: [] };
  if (typing === undefined) return found;
  for (const [name, value] of Object.entries(typing.command)) {
    if (typing.shell[name] === value || NOT_FOR_THE_COMMAND.some((pattern) => pattern.test(name))) continue;
    if (isSecret(name, value)) found.secrets.push(name);
    else found.values[name] = value;
  }
  return found;
}

/**
 * The shell the command was typed in (for a terminal's, with what a new one sets on top: its rc files) and the
 * process it started for the command, or undefined where they cannot be told.
 */
export function typingShell(pid: number = process.pid): TypingShell | undefined {
  let command = readProcess(pid);
  let current = command !== undefined && command.parent > 1 ? readProcess(command.parent) : undefined;
  for (let depth = 0; command !== undefined && current !== undefined && depth < 32; depth++) {
    const parent = current.parent > 1 ? readProcess(current.parent) : undefined;
    if (isShell(current.argv) && !(parent !== undefined && isNpm(parent.argv))) {
      const shell = isInteractive(current.argv) ? { ...current.env, ...newShellEnv(current.argv, current.env) } : current.env;
      return { shell, command: command.env };
    }
    command = current;
    current = parent;
  }
  return undefined;
}

function shellProgram(argv: readonly string[]): string {
  return (argv[0] ?? '').replace(/^-/, '');
}

function isShell(argv: readonly string[]): boolean {
  return /^(sh|bash|dash|zsh|ksh|mksh|ash|fish)$/.test(shellProgram(argv).split(/[\\/]/).pop() ?? '');
}

/** A terminal's shell: no script and no `-c`, only option flags (`-bash`, `zsh -l`). */
function isInteractive(argv: readonly string[]): boolean {
  return argv.slice(1).every((word) => /^(-[a-z]+|--login|--interactive)$/i.test(word) && word !== '-c');
}

/** What a new interactive shell of the same kind has in its environment once its rc files ran. */
function newShellEnv(argv: readonly string[], env: Readonly<Record<string, string>>): Record<string, string> {
  // A login shell (`-bash`, `zsh -l`) also read the profile files.
  const login = (argv[0] ?? '').startsWith('-') || argv.includes('-l') || argv.includes('--login');
  const run = spawnSync(shellProgram(argv), [...(login ? ['-l'] : []), '-i', '-c', 'env -0'], {
    env,
    encoding: 'utf8',
    timeout: 2_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (run.status !== 0 || typeof run.stdout !== 'string') return {};
  return parseEnvironment(run.stdout);
}

function parseEnvironment(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of text.split('\0')) {
    const at = entry.indexOf('=');
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}

/** npm names its processes `npm exec mocha`, `npm test`, `npx …`; started as node, its script says so. */
function isNpm(argv: readonly string[]): boolean {
  return (
    /^(npm|npx)(\s|$)/.test(argv[0] ?? '') ||
    argv.slice(1, 2).some((word) => /[\\/]npm[\\/]bin[\\/]np[mx]-cli\.js$|[\\/]\.bin[\\/]np[mx]$/.test(word))
  );
}

function readProcess(pid: number): ProcessFacts | undefined {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (argv.at(-1) === '') argv.pop();
    const env = parseEnvironment(fs.readFileSync(`/proc/${pid}/environ`, 'utf8'));
    // The parent pid is the second field after the command name, which may hold spaces and parentheses.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { argv, env, parent };
  } catch {
    return undefined;
  }
}
