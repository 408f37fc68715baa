// A small HTTP client for the service's tests: real requests over loopback with Node's fetch.

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies are asserted field by field
}

export function createClient(baseUrl: string) {
  const request = async (method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    get: (path: string, headers: Record<string, string> = {}) => request('GET', path, { headers }),
    post: (path: string, body: unknown, headers: Record<string, string> = {}) => request('POST', path, { body, headers }),
  };
}

/**
 * The service's clock in every test: a fixed instant, so an observation's age (and with it its decay weight) does
 * not depend on how long a request took on a loaded machine.
 */
export const TEST_NOW = Date.parse('2026-06-01T12:00:00.000Z');
export const testClock = (): number => TEST_NOW;

/** An observation stamped at the test clock's instant unless `overrides` says otherwise. */
export function observation(segmentId: string, travelTimeS: number, overrides: Record<string, unknown> = {}) {
  return {
    segment_id: segmentId,
    travel_time_s: travelTimeS,
    observed_at: new Date(TEST_NOW).toISOString(),
    confidence: 0.9,
    ...overrides,
  };
}
