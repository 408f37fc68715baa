// How every command the plugin prints quotes its words, so that it runs as printed when pasted into a POSIX
// shell: test titles hold quotes, `$`, backticks and regex characters. Runs in: any process.

const SAFE_WORD = /^[\w@%+=:,./-]+$/;

/** One shell word: as is when nothing in it is special to the shell, otherwise in single quotes. */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `NAME=value` assignments then words, each quoted. `asked`: variables whose value is not printed (a secret): the
 * shell takes it from its own environment and refuses to run the command when it is not set there.
 */
export function shellCommand(env: Readonly<Record<string, string>>, words: readonly string[], asked: readonly string[] = []): string {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const fromShell = asked.map((name) => `${name}="\${${name}:?is not stored: set it as for the recorded run}"`);
  return [...assignments, ...fromShell, ...words.map(shellQuote)].join(' ');
}
