// The tmp package, loaded on first use. Runs in: any process.
// tmp adds a process 'exit' listener when it is loaded; importing the plugin must have no side effects.

export function loadTmp(): typeof import('tmp') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: tmp adds an exit listener when loaded
  return require('tmp') as typeof import('tmp');
}
