import { expect } from 'chai';
import Mocha from 'mocha';
import { ownHookContext } from '../../hooks/worker/mocha/own-hook-context';

// Real mocha objects wired the way mocha wires them: the root suite's context is the prototype of every
// describe's context, and a root hook starts out with the root context.
function rootHookAndSuite(): { root: Mocha.Suite; hook: Mocha.Hook; child: Mocha.Suite } {
  // The typings omit the constructor's third argument (isRoot), which mocha passes for its root suite.
  const root = new (Mocha.Suite as unknown as new (title: string, context: Mocha.Context, isRoot: boolean) => Mocha.Suite)(
    '',
    new Mocha.Context(),
    true,
  );
  root.beforeEach('plugin hook', () => undefined);
  const child = Mocha.Suite.create(root, 'a describe');
  child.beforeEach('user hook', () => undefined);
  const hook = (root as unknown as { _beforeEach: Mocha.Hook[] })._beforeEach[0] as Mocha.Hook;
  return { root, hook, child };
}

/** What mocha's Runnable#run does before calling the hook's function: `this` is hook.ctx, whose test is the hook. */
function contextDuringRun(hook: Mocha.Hook): Mocha.Context {
  const context = hook.ctx as Mocha.Context;
  context.runnable(hook);
  return context;
}

describe('the plugin hooks run on a context of their own (unit)', () => {
  it('moves a root hook off the root context, which every describe context inherits from', () => {
    const { root, hook, child } = rootHookAndSuite();
    expect(Object.getPrototypeOf(child.ctx)).to.equal(root.ctx);
    expect(hook.ctx).to.equal(root.ctx);

    ownHookContext(contextDuringRun(hook));

    expect(hook.ctx).to.not.equal(root.ctx);
    // A leaf with mocha's Context methods: timeout(), skip() and currentTest still work in the hook.
    expect(Object.getPrototypeOf(hook.ctx)).to.equal(Object.getPrototypeOf(root.ctx));
    expect((hook.ctx as Mocha.Context).timeout).to.be.a('function');
    // What mocha writes around a hook run now lands on the hook's own context, not on the shared prototype.
    (hook.ctx as Mocha.Context).currentTest = new Mocha.Test('t', () => undefined);
    expect(Object.prototype.hasOwnProperty.call(root.ctx, 'currentTest')).to.equal(false);
  });

  it('does nothing the second time', () => {
    const { hook } = rootHookAndSuite();
    ownHookContext(contextDuringRun(hook));
    const moved = hook.ctx;
    ownHookContext(contextDuringRun(hook));
    expect(hook.ctx).to.equal(moved);
  });
});
