// How every command the plugin prints quotes its words, so that it runs as printed when pasted into a POSIX
// shell: test titles hold quotes, `$`, backticks and regex characters. Runs in: any process.

const SAFE_WORD = /^[\w@%+=:,./-]+$/;

/** One shell word: as is when nothing in it is special to the shell, otherwise in single quotes. */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `NAME=value` assignments then words, each quoted. */
export function shellCommand(env: Readonly<Record<string, string>>, words: readonly string[]): string {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return [...assignments, ...words.map(shellQuote)].join(' ');
}
