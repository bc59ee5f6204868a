import { InstrumentationResource } from './types';

/**
 * The Instrumentation validating webhook's semantic checks (create/update). Errors reject the resource;
 * warnings are returned to the client (kubectl prints them).
 */
export interface InstrumentationValidation {
  readonly errors: string[];
  readonly warnings: string[];
}

const SAMPLER_TYPES = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off',
  'parentbased_traceidratio', 'jaeger_remote', 'parentbased_jaeger_remote', 'xray'];
const LANGUAGE_KEYS = ['java', 'nodejs', 'python', 'dotnet', 'go', 'apacheHttpd', 'nginx'] as const;

export function validateInstrumentation(inst: InstrumentationResource): InstrumentationValidation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const spec = inst.spec ?? {};
  const sampler = spec.sampler ?? {};
  const type = sampler.type ?? '';
  const arg = sampler.argument ?? '';
  if (type === '') {
    warnings.push('sampler type not set');
  } else if (!SAMPLER_TYPES.includes(type)) {
    errors.push(`spec.sampler.type: unknown sampler type '${type}' (use one of ${SAMPLER_TYPES.join(', ')})`);
  } else if ((type === 'traceidratio' || type === 'parentbased_traceidratio') && arg !== '') {
    if (!isRatio(arg)) errors.push(`spec.sampler.argument: '${arg}' is not a number between 0 and 1 (the ${type} sampler takes a ratio such as "0.25")`);
  } else if ((type === 'jaeger_remote' || type === 'parentbased_jaeger_remote') && arg !== '') {
    const problem = jaegerRemoteProblem(arg);
    if (problem) errors.push(`spec.sampler.argument: ${problem}`);
  }

  for (const lang of LANGUAGE_KEYS) {
    const section = spec[lang] as { volumeClaimTemplate?: object; volumeLimitSize?: string } | undefined;
    if (section?.volumeClaimTemplate && Object.keys(section.volumeClaimTemplate).length > 0 && section.volumeLimitSize) {
      errors.push(`spec.${lang}: volumeClaimTemplate and volumeLimitSize cannot both be set (keep one)`);
    } else if (section?.volumeLimitSize) {
      warnings.push(`spec.${lang}.volumeLimitSize is deprecated, use spec.${lang}.volumeClaimTemplate instead`);
    }
  }

  const tls = spec.exporter?.tls;
  const endpoint = spec.exporter?.endpoint ?? '';
  if (tls) {
    if (tls.key_file && !tls.cert_file) warnings.push('spec.exporter.tls: key_file is set without cert_file; set both for client authentication');
    if (tls.cert_file && !tls.key_file) warnings.push('spec.exporter.tls: cert_file is set without key_file; set both for client authentication');
    if (endpoint && !endpoint.startsWith('https://')) warnings.push(`spec.exporter.endpoint '${endpoint}' does not use https:// although TLS is configured`);
  } else if (endpoint.startsWith('https://')) {
    warnings.push(`spec.exporter.endpoint '${endpoint}' uses https:// but spec.exporter.tls is not set; the SDK will use the system CAs`);
  }
  warnings.push(...blockedUpgradeWarnings(inst));
  return { errors, warnings };
}

function isRatio(s: string): boolean {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s)) return false;
  const v = Number(s);
  return v >= 0 && v <= 1;
}

/** `endpoint=...,pollingIntervalMs=...,initialSamplingRate=...` with each present value well-formed. */
function jaegerRemoteProblem(arg: string): string | undefined {
  for (const part of arg.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return `'${part}' is not key=value (the jaeger_remote argument looks like endpoint=http://host:14250,pollingIntervalMs=5000,initialSamplingRate=0.25)`;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'endpoint' && value === '') return 'jaeger_remote endpoint must not be empty';
    if (key === 'pollingIntervalMs' && !/^\d+$/.test(value)) return `jaeger_remote pollingIntervalMs '${value}' is not an integer`;
    if (key === 'initialSamplingRate' && !isRatio(value)) return `jaeger_remote initialSamplingRate '${value}' is not a number between 0 and 1`;
  }
  return undefined;
}

/**
 * Versions from which the operator will not upgrade an image automatically, because the newer agent changes
 * the telemetry it produces (HTTP semantic conventions declared stable).
 */
const BLOCKED_UPGRADES: { [lang: string]: { version: string; display: string } } = {
  java: { version: '2.0.0', display: 'Java' },
  dotnet: { version: '1.3.0', display: '.NET' },
};

/** The `status.upgradeBlockedVersions` message for a language. */
export function upgradeBlockedMessage(lang: string): string {
  const b = BLOCKED_UPGRADES[lang];
  return `Automated upgrade blocked for ${lang}: ${b.display} instrumentation ${b.version} contains breaking HTTP semantic `
    + 'convention changes. See https://opentelemetry.io/blog/2023/http-conventions-declared-stable/ for a general description '
    + `of the changes. To upgrade, manually set the image on this Instrumentation resource to ${b.version} or higher.`;
}

/** Whether an image's tag is a version below the language's blocked-upgrade boundary. */
export function isUpgradeBlocked(lang: string, image: string | undefined): boolean {
  const b = BLOCKED_UPGRADES[lang];
  const tag = /:([^:/@]+)(@.*)?$/.exec(image ?? '')?.[1];
  if (!b || !tag) return false;
  const v = parseVersion(tag);
  return v !== undefined && compareVersions(v, parseVersion(b.version)!) < 0;
}

function blockedUpgradeWarnings(inst: InstrumentationResource): string[] {
  const out: string[] = [];
  for (const lang of Object.keys(BLOCKED_UPGRADES)) {
    const image = (inst.spec?.[lang] as { image?: string } | undefined)?.image;
    if (isUpgradeBlocked(lang, image)) {
      out.push(`spec.${lang}.image '${image}' cannot be automatically upgraded: ${upgradeBlockedMessage(lang)}`);
    }
  }
  return out;
}

function parseVersion(tag: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
