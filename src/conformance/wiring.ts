/**
 * The operator the runner simulates: the product's own pure functions (src/operator/contract.ts), imported as
 * any caller would, so a rename is a compile error rather than a skipped check.
 */
import { operatorFunctions } from '../operator/contract';
import { SimulatorOptions } from './simulator';

/** The simulator's operator: reconcile, pod webhook, ConfigMap retention, admission and conversion. */
export function operatorUnderTest(opts: { nativeSidecars: boolean }): SimulatorOptions {
  const fns = operatorFunctions({ nativeSidecars: opts.nativeSidecars });
  return {
    reconciler: fns.reconciler,
    podMutator: fns.podMutator,
    configMapRetention: fns.configMapRetention,
    admit: fns.admit,
    conversion: fns.conversion,
  };
}
