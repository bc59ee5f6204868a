import { DEFAULT_INSTRUMENTATION_IMAGES, defaultImageAnnotation, InstrumentationLanguage } from '../apis';
import { InstrumentationResource } from './types';
import { isUpgradeBlocked, upgradeBlockedMessage } from './validate';

export interface InstrumentationUpgrade {
  /** The upgraded resource (a copy); equal to the input when nothing changed. */
  readonly instrumentation: InstrumentationResource;
  readonly changed: boolean;
  /** `UpgradeBlocked` events to record on the Instrumentation. */
  readonly blocked: Array<{ readonly language: string; readonly message: string }>;
}

const LANGUAGES: InstrumentationLanguage[] = ['java', 'nodejs', 'python', 'dotnet', 'go', 'apacheHttpd', 'nginx'];

/**
 * What the operator does to Instrumentations when it starts with new default images: a language whose image
 * is still the default it was given (per the `default-auto-instrumentation-<lang>-image` annotation) moves to
 * the new default, unless that crosses a blocked version (then `status.upgradeBlockedVersions` says why).
 * Images a user chose are never touched.
 */
export function upgradeInstrumentation(inst: InstrumentationResource,
  images: Partial<Record<InstrumentationLanguage, string>> = {}): InstrumentationUpgrade {
  const out = JSON.parse(JSON.stringify(inst)) as InstrumentationResource;
  const annotations = (out.metadata.annotations ??= {});
  const blocked: Array<{ language: string; message: string }> = [];
  let changed = false;
  for (const lang of LANGUAGES) {
    const key = defaultImageAnnotation(lang);
    const stamped = annotations[key];
    const section = out.spec[lang] as { image?: string } | undefined;
    const target = images[lang] ?? DEFAULT_INSTRUMENTATION_IMAGES[lang];
    if (!stamped || !section || section.image !== stamped || stamped === target) continue;
    if (isUpgradeBlocked(lang, section.image) && !isUpgradeBlocked(lang, target)) {
      const message = upgradeBlockedMessage(lang);
      const status = ((out.status ??= {}) as { upgradeBlockedVersions?: { [k: string]: string } });
      status.upgradeBlockedVersions = { ...(status.upgradeBlockedVersions ?? {}), [lang]: message };
      blocked.push({ language: lang, message });
      changed = true;
      continue;
    }
    section.image = target;
    annotations[key] = target;
    changed = true;
  }
  return { instrumentation: changed ? out : inst, changed, blocked };
}
