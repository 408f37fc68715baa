// The plugin's own per-test hook functions, so the worker's reporter can tell them from the project's hooks.
// Runs in: worker (filled once when mocha reads `mochaHooks`).

export const ownPerTestHooks = new Set<unknown>();
