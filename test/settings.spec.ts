// The settings schema (env-schema, issue 11): one sentence per bad variable naming it and its range, tokens
// never echoed, blank variables meaning their defaults, and clients that cannot be confused.
import { expect } from 'chai';
import { loadSettings, SettingsError } from '../src/settings';

const KEY = { BMTC_API_KEY: 'a-long-enough-key' };
const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('loadSettings accepted it');
};

describe('settings schema', () => {
  it('names every bad variable once, with its range, in one error', () => {
    expect(problemsOf({ BMTC_N0: 'many', BMTC_HALF_LIFE_DAYS: '0', BMTC_LOG_LEVEL: 'loud', BMTC_IDEMPOTENCY_TTL_S: '1.5' })).to.deep.equal([
      'BMTC_API_KEY must be set to a secret of at least 8 characters, got nothing.',
      'BMTC_N0 must be a number at least 0 and at most 1000000, got "many".',
      'BMTC_HALF_LIFE_DAYS must be a number greater than 0 and at most 3650, got "0".',
      'BMTC_IDEMPOTENCY_TTL_S must be a whole number at least 1 and at most 2592000, got "1.5".',
      'BMTC_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud".',
    ]);
  });

  it('says how long a bad token is, never what it is', () => {
    const problems = problemsOf({ BMTC_API_KEY: 'short', BMTC_API_CLIENTS: 'fleet=tiny' });
    expect(problems[0]).to.equal('BMTC_API_KEY must be set to a secret of at least 8 characters, got 5 characters.');
    expect(problems[1]).to.match(/^BMTC_API_CLIENTS must be a comma-separated list of name=token .*, got 10 characters\.$/);
    expect(problems.join('\n')).not.to.match(/short|tiny/);
  });

  it('reads blank variables as unset and fills in every default', () => {
    const settings = loadSettings({ ...KEY, PORT: '', BMTC_N0: '  ' });
    expect(settings).to.deep.include({
      port: 8080,
      n0: 5,
      host: '127.0.0.1',
      idempotencyTtlS: 86_400,
      rateLimitPerMinute: 600,
      clients: {},
    });
  });

  it('reads clients as name=token pairs, a token may contain "="', () => {
    expect(loadSettings({ ...KEY, BMTC_API_CLIENTS: 'fleet=token-fleet-1,ops=tok=en-ops-2' }).clients).to.deep.equal({
      fleet: 'token-fleet-1',
      ops: 'tok=en-ops-2',
    });
  });

  it('refuses a client named twice, named "default", or given another client\'s token', () => {
    expect(problemsOf({ ...KEY, BMTC_API_CLIENTS: 'fleet=token-fleet-1,fleet=token-fleet-2' })[0]).to.contain(
      'names the client "fleet" twice',
    );
    expect(problemsOf({ ...KEY, BMTC_API_CLIENTS: 'default=token-fleet-1' })[0]).to.contain('names the client "default" twice');
    expect(problemsOf({ ...KEY, BMTC_API_CLIENTS: `fleet=${KEY.BMTC_API_KEY}` })[0]).to.contain(
      'gives the client "fleet" a token another client has',
    );
  });
});
