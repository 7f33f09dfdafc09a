import { afterAll, beforeAll } from 'vitest';
import { type LocalServices, startLocalServices } from './local-services';

/**
 * The local services of one test file: started before its first test and stopped after its last. The
 * object returned at once stands for the services started later (a proxy, so tests read
 * `services.store` as before); reading it before they started throws. Apart from local-services.ts so
 * the benchmarks that use those can run without vitest.
 */
export function useLocalServices(): LocalServices {
  let started: LocalServices | undefined;
  beforeAll(async () => {
    started = await startLocalServices();
  });
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as LocalServices, {
    get(_target, property) {
      if (!started) throw new Error('The local services are read before beforeAll started them');
      return Reflect.get(started, property);
    },
  });
}
