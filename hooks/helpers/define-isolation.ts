// The project's wiring: its settings factory and the resets to run after every test.
// Runs in: worker (imported by the project's wiring file, listed in .mocharc.cjs `require`).

import { IsolationError } from '../errors';
import { workerState } from '../worker/current';
import { projectWiring, type Reset } from '../worker/project-wiring';
import { existingWorkerState } from '../worker/state-registry';
import { loadedMocha } from '../shared/mocha-module';
import { patchMocha } from '../shared/mocha-patches';

export interface IsolationDefinition<S extends object> {
  /** Builds a fresh settings object; gets this test's sandboxed process.env. */
  settings?: (env: NodeJS.ProcessEnv) => S;
  /** Called after every test, pass or fail: clear caches, reset app state. */
  resets?: Reset[];
}

export interface Isolation<S extends object> {
  /**
   * This test's own settings, built on first use; `overrides` are applied on top (unknown keys are refused).
   * Mutating the object affects this test only. Called in a before() hook: the file's own, until the file ends.
   */
  settings(overrides?: Partial<S>): S;
}

const settingsOfScope = new WeakMap<object, object>();

/**
 * Wires a project into the plugin. Call once, in a file listed in .mocharc.cjs `require`, so that resets run
 * after every test of every file, including files that never import it.
 * @example
 * export const isolation = defineIsolation({ settings: (env) => loadSettings(env), resets: [resetSettingsCache] });
 * // in a test: const s = isolation.settings({ n0: 5 });  or, in a function test: this.settings
 */
export function defineIsolation<S extends object>(definition: IsolationDefinition<S>): Isolation<S> {
  const unknown = Object.keys(definition).filter((key) => key !== 'settings' && key !== 'resets');
  if (unknown.length > 0) {
    throw new IsolationError(
      'ERR_ISOLATION_UNKNOWN_OPTION',
      `defineIsolation() got unknown option "${unknown[0]}". Use "settings" and "resets".`,
      { option: unknown[0] },
    );
  }
  projectWiring.settingsFactory = definition.settings as ((env: NodeJS.ProcessEnv) => object) | undefined;
  projectWiring.resets = [...(definition.resets ?? [])];
  const isolation: Isolation<S> = { settings: (overrides) => testSettings(overrides) as S };
  exposeOnMochaContext();
  return isolation;
}

function testSettings(overrides: object | undefined): object {
  const scope = workerState('settings').currentScope('settings');
  const factory = projectWiring.settingsFactory;
  if (factory === undefined) {
    throw new IsolationError(
      'ERR_ISOLATION_NOT_DEFINED',
      '"settings()" was used, but defineIsolation() got no settings factory. Pass settings: (env) => loadSettings(env).',
    );
  }
  let settings = settingsOfScope.get(scope);
  if (settings === undefined) {
    settings = factory(process.env);
    settingsOfScope.set(scope, settings);
  }
  if (overrides !== undefined) applyOverrides(settings, overrides, scope.test.title);
  return settings;
}

function applyOverrides(settings: object, overrides: object, testTitle: string): void {
  for (const key of Object.keys(overrides)) {
    if (!(key in settings)) {
      throw new IsolationError(
        'ERR_ISOLATION_UNKNOWN_SETTING',
        `"${key}" is not a setting, in test "${testTitle}". Known settings: ${Object.keys(settings).join(', ')}.`,
        { key, test: testTitle },
      );
    }
  }
  Object.assign(settings, overrides);
}

/** `this.settings` in `function` tests: a getter on mocha's Context, so nothing is copied per test. */
function exposeOnMochaContext(): void {
  patchMocha('contextSettings', () => {
    const { Context } = loadedMocha();
    const existing = Object.getOwnPropertyDescriptor(Context.prototype, 'settings');
    if (existing?.get === settingsOfRunningTest) return undefined;
    if (existing !== undefined) return 'Context.prototype already has a "settings" property';
    Object.defineProperty(Context.prototype, 'settings', { configurable: true, get: settingsOfRunningTest });
    return undefined;
  });
}

function settingsOfRunningTest(): unknown {
  return existingWorkerState()?.hasScope() ? testSettings(undefined) : undefined;
}
