// Files of the plugin that mocha loads by path (the interface, the workers' reporter). Runs in: any process.
// Kept at the plugin's root: its folder is the same in the sources, in tsc's output and in the one-file bundle
// `npm run build` makes, where every module's __dirname is the root.

import path from 'node:path';

export const ISOLATION_UI_FILE = path.join(__dirname, 'isolation-ui');
export const WORKER_REPORTER_FILE = path.join(__dirname, 'worker-reporter');
