// process.env for one test: a throwaway copy, so assignments, deletions and new keys all vanish afterwards.
// Runs in: worker, per test.

import type sinon from 'sinon';
import { currentScope } from './scope';

/** Node's real process.env turns every assigned value into a string; the copy keeps that behaviour. */
const STRING_VALUES: ProxyHandler<Record<string, string>> = {
  set(target, key, value) {
    if (typeof key === 'string') target[key] = String(value);
    return true;
  },
  defineProperty(target, key, descriptor) {
    if (typeof key === 'string' && 'value' in descriptor) target[key] = String(descriptor.value);
    return true;
  },
};

/**
 * Replaces process.env through the worker's sinon sandbox; the sandbox's restore() puts the real one back,
 * also after a failure or a timeout. The real environment is never written.
 */
export function sandboxEnv(
  sandbox: sinon.SinonSandbox,
  baseline: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> | undefined,
): void {
  const copy: Record<string, string> = Object.assign({}, baseline, extra);
  sandbox.replace(process, 'env', new Proxy(copy, STRING_VALUES));
}

/**
 * Sets (or, with `undefined`, deletes) environment variables for the rest of the running test only.
 * @example setEnv({ APP_API_KEY: 'test-key', APP_DEBUG: undefined })
 */
export function setEnv(values: Readonly<Record<string, string | number | boolean | undefined>>): void {
  currentScope('setEnv');
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = String(value);
  }
}
