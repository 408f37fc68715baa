// App state that outlives a request: when the service started. Reset between tests by the isolation plugin.

let startedAt: Date | undefined;

export function markStarted(now: Date): void {
  startedAt ??= now;
}

export function startupTime(): Date | undefined {
  return startedAt;
}

export function resetLifespan(): void {
  startedAt = undefined;
}
