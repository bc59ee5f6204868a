/**
 * The static conformance runner's shared list: upstream e2e cases out of reach without real containers or
 * OpenShift, with the reason. The chainsaw runner (src/e2e) reports its skips from the same list.
 */
export { OUT_OF_REACH } from './out-of-reach';
