// A vitest `describe` gated on a service being reachable. The availability is decided by the
// caller at module load (top-level await), so registration stays synchronous and
// `describe.skipIf` semantics hold: skipped suites show up as skipped, not as passed.
import { describe, it } from 'vitest';
import { servicesRequired, skipBanner } from './env.js';

/** Register `fn` as a suite when `available`; otherwise skip loudly, or fail when required. */
export function describeWithService(
  service: string,
  where: string,
  available: boolean,
  name: string,
  fn: () => void,
): void {
  if (available) {
    describe(name, fn);
    return;
  }
  if (servicesRequired()) {
    describe(name, () => {
      it(`requires ${service} at ${where}`, () => {
        throw new Error(
          `${service} is not reachable at ${where} and TROUPE_REQUIRE_SERVICES=1: start it, or unset the variable to skip`,
        );
      });
    });
    return;
  }
  process.stderr.write(skipBanner(service, where));
  describe.skip(name, fn);
}
