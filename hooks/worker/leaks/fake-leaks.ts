// Which sinon fakes a test left in place: the fakes it made through sinon's default sandbox (`sinon.stub(obj,
// 'method')`, `sinon.replace`, `sinon.useFakeTimers`) that are still installed when it ends. Runs in: worker,
// once the project has loaded sinon.
//
// sinon keeps a fake in its sandbox after the fake's own restore(), so the sandbox cannot tell a restored fake
// from a leftover one. The default sandbox's methods are therefore wrapped (a Proxy keeps their properties) to
// note where each fake went; at the test's end, only the fakes still on their object are named.

type AnyFunction = (...args: unknown[]) => unknown;
/** Returns a name when the fake is still in place. */
type StillInPlace = () => string | undefined;

export interface FakeLeakWatch {
  testStarted(): void;
  /** Names of the fakes the test made and left installed; forgets them. */
  testEnded(): string[];
}

export function watchDefaultSandbox(sinon: object): FakeLeakWatch {
  let inTest = false;
  let placed: StillInPlace[] = [];
  const wrap = (method: string, noteFake: (args: unknown[], result: unknown) => StillInPlace | undefined): void => {
    const api = sinon as Record<string, unknown>;
    const original = api[method];
    if (typeof original !== 'function') return;
    api[method] = new Proxy(original as AnyFunction, {
      apply(target, thisArg, args: unknown[]) {
        const result = Reflect.apply(target, thisArg, args);
        if (inTest) {
          const check = noteFake(args, result);
          if (check !== undefined) placed.push(check);
        }
        return result;
      },
    });
  };
  const onObject =
    (kind: string, field: 'value' | 'get' | 'set') =>
    (args: unknown[], result: unknown): StillInPlace | undefined => {
      const [object, property] = args;
      if (!isObject(object) || (typeof property !== 'string' && typeof property !== 'symbol')) return undefined;
      const fake = kind === 'replace' || field !== 'value' ? (args[2] ?? result) : result;
      return () => (descriptorOf(object, property)?.[field] === fake ? `${label(object, property)} (${kind})` : undefined);
    };
  wrap('stub', onObject('stub', 'value'));
  wrap('spy', onObject('spy', 'value'));
  wrap('replace', onObject('replace', 'value'));
  wrap('replaceGetter', onObject('replaceGetter', 'get'));
  wrap('replaceSetter', onObject('replaceSetter', 'set'));
  wrap('useFakeTimers', (_args, clock) => () => {
    // @sinonjs/fake-timers marks every global it replaces with the clock that replaced it.
    const timers = globalThis as unknown as Record<string, { clock?: unknown } | undefined>;
    return timers.Date?.clock === clock || timers.setTimeout?.clock === clock ? 'fake timers (useFakeTimers)' : undefined;
  });

  return {
    testStarted() {
      inTest = true;
      if (placed.length > 0) placed = [];
    },
    testEnded() {
      inTest = false;
      if (placed.length === 0) return [];
      const left = placed.map((check) => check()).filter((name): name is string => name !== undefined);
      placed = [];
      return left;
    },
  };
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function descriptorOf(object: object, property: string | symbol): PropertyDescriptor | undefined {
  for (let current: object | null = object; current !== null; current = Object.getPrototypeOf(current) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(current, property);
    if (descriptor !== undefined) return descriptor;
  }
  return undefined;
}

/** `Clock.now`, `Repository#save` (an instance's method), or the bare name for a plain object. */
function label(object: object, property: string | symbol): string {
  const name = String(property);
  if (typeof object === 'function' && object.name !== '') return `${object.name}.${name}`;
  const constructorName = (object as { constructor?: { name?: string } }).constructor?.name;
  return constructorName !== undefined && constructorName !== 'Object' && constructorName !== '' ? `${constructorName}#${name}` : name;
}
