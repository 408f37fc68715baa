import { expect } from 'chai';
import sinon from 'sinon';
import { createEnvSandbox } from '../../hooks/per-test/env-sandbox';

describe('the env sandbox (unit)', () => {
  const fileSandbox = sinon.createSandbox();
  const realEnv = process.env;
  afterEach(() => {
    fileSandbox.restore();
    expect(process.env).to.equal(realEnv);
  });

  it('rolls back what a test wrote, keeps what a before() hook wrote for the file, and never writes the real env', () => {
    const env = createEnvSandbox(fileSandbox, undefined);
    env.openFile();
    process.env.FILE_LEVEL = 'from before()';
    env.testStarted();
    process.env.IN_TEST = 'x';
    process.env.FILE_LEVEL = 'changed by a test';
    delete process.env.PATH;
    env.testEnded();
    expect(process.env.IN_TEST).to.equal(undefined);
    expect(process.env.FILE_LEVEL).to.equal('from before()');
    expect(process.env.PATH).to.equal(realEnv.PATH);
    env.closeFile();
    expect(process.env).to.equal(realEnv);
    expect(realEnv.FILE_LEVEL).to.equal(undefined);
  });

  it('coerces values to strings like the real process.env', () => {
    const env = createEnvSandbox(fileSandbox, undefined);
    env.openFile();
    env.testStarted();
    (process.env as Record<string, unknown>).NUMBER = 42;
    expect(process.env.NUMBER).to.equal('42');
    env.testEnded();
    env.closeFile();
  });

  it('puts its copy back when a test replaces process.env', () => {
    const env = createEnvSandbox(fileSandbox, undefined);
    env.openFile();
    const copy = process.env;
    env.testStarted();
    process.env = { ONLY: 'this' };
    env.testEnded();
    expect(process.env).to.equal(copy);
    expect(process.env.ONLY).to.equal(undefined);
    env.closeFile();
  });

  it('tells when the watched variable is read, and restores it after a test deletes or changes it', () => {
    let reads = 0;
    const env = createEnvSandbox(fileSandbox, { name: 'APP_DB', value: '/run/worker-1.sqlite', onRead: () => reads++ });
    env.openFile();
    expect(reads).to.equal(0);
    env.testStarted();
    expect(process.env.APP_DB).to.equal('/run/worker-1.sqlite');
    expect(reads).to.equal(1);
    delete process.env.APP_DB;
    env.testEnded();
    env.testStarted();
    process.env.APP_DB = 'elsewhere';
    env.testEnded();
    expect(process.env.APP_DB).to.equal('/run/worker-1.sqlite');
    env.closeFile();
  });
});
