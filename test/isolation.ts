// Wires the reference service into the isolation plugin: its settings factory and the state to reset.
// Listed in .mocharc.cjs `require`, so the resets run after every test of every file.

import { defineIsolation } from '../hooks';
import { resetLifespan } from '../src/lifespan';
import { loadSettings, resetSettingsCache, type Settings } from '../src/settings';

/** What a test sees when its environment does not set these: a valid key, so settings always load. */
export const TEST_ENV_DEFAULTS = { BMTC_API_KEY: 'default-test-key', BMTC_LOG_LEVEL: 'silent' };

export const isolation = defineIsolation<Settings>({
  settings: (env) => loadSettings({ ...TEST_ENV_DEFAULTS, ...env }),
  resets: [resetSettingsCache, resetLifespan],
});

declare module 'mocha' {
  interface Context {
    /** This test's own settings (see defineIsolation). */
    settings: Settings;
  }
}
