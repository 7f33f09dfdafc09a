/**
 * `aws-local-stepfunctions` 3.x calls `Promise.withResolvers` (Node ≥ 22). Node 20 lacks it and every
 * Task state would fail, so the offline runner and the tests import this module before the interpreter.
 */
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
