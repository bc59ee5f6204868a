/**
 * An input the user gave us is wrong. Every such error names the resource, the field path and the fix, so the
 * CLI can print it as is and the operator can put it in a status condition and an Event.
 */
export class InvalidInputError extends Error {
  /** e.g. `OpenTelemetryCollector default/simple` or a file name */
  public readonly resource: string;
  /** e.g. `spec.config.service.pipelines.traces.receivers[0]` */
  public readonly path: string;
  /** what the user should do about it */
  public readonly fix: string;
  /** the problem alone, without resource, path and fix (what an admission webhook answers, as upstream words it) */
  public readonly problem: string;

  constructor(resource: string, path: string, problem: string, fix: string) {
    super(`${resource}: ${path}: ${problem}${fix ? ` (${fix})` : ''}`);
    this.name = 'InvalidInputError';
    this.resource = resource;
    this.path = path;
    this.fix = fix;
    this.problem = problem;
  }
}
