// ISOLATION_LEAKS read into a policy per category of leftovers. Runs in: any process (config.ts uses it).

import { LEAK_CATEGORIES, LEAK_POLICIES, type LeakCategory, type LeakPolicies, type LeakPolicy } from './leak-report';

const LEAKS_VARIABLE = 'ISOLATION_LEAKS';

/** True when some category of leftovers is looked at. */
export function checksLeaks(policies: LeakPolicies): boolean {
  return LEAK_CATEGORIES.some((category) => policies[category] !== 'off');
}

/**
 * ISOLATION_LEAKS: a policy for every category, then exceptions by category: `report`, `fail,handles=report`,
 * `report,rows=off`. `warn` was this setting's name for `report` before the leak report existed.
 */
export function parseLeakPolicies(raw: string | undefined): { policies: LeakPolicies; problem?: string } {
  const policies: Record<LeakCategory, LeakPolicy> = Object.fromEntries(LEAK_CATEGORIES.map((category) => [category, 'report'])) as Record<
    LeakCategory,
    LeakPolicy
  >;
  if (raw === undefined) return { policies };
  const asPolicy = (value: string): LeakPolicy | undefined =>
    LEAK_POLICIES.find((policy) => policy === (value === 'warn' ? 'report' : value));
  const bad: string[] = [];
  for (const item of raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const [name, value] = item.includes('=') ? item.split('=', 2).map((part) => part.trim()) : [undefined, item];
    const policy = asPolicy((value ?? '').toLowerCase());
    const category = name === undefined ? undefined : LEAK_CATEGORIES.find((known) => known.toLowerCase() === name.toLowerCase());
    if (policy === undefined || (name !== undefined && category === undefined)) bad.push(item);
    else if (category === undefined) for (const each of LEAK_CATEGORIES) policies[each] = policy;
    else policies[category] = policy;
  }
  if (bad.length === 0) return { policies };
  return {
    policies,
    problem:
      `"${LEAKS_VARIABLE}" must be a policy (${LEAK_POLICIES.join(', ')}) optionally followed by category=policy exceptions, got "${raw}" (not understood: ${bad.map((item) => `"${item}"`).join(', ')}). ` +
      `Categories: ${LEAK_CATEGORIES.join(', ')}. Example: ${LEAKS_VARIABLE}=report,rows=off.`,
  };
}
