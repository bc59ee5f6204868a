import { injectApacheHttpd } from './apache-httpd';
import { injectDotNet } from './dotnet';
import { injectGo } from './go';
import { injectJava } from './java';
import { LanguageContext } from './language';
import { injectNginx } from './nginx';
import { injectNodeJS } from './nodejs';
import { injectPython } from './python';
import { injectSdk } from './sdk';
import { ANNOTATION_DOTNET_RUNTIME, ANNOTATION_GO_CONTAINER_NAMES, ANNOTATION_PYTHON_PLATFORM } from './constants';
import { InvalidInputError } from '../common/errors';

/** The auto-instrumentations, by the name used in their `inject-<name>` annotation. */
export enum Language {
  JAVA = 'java',
  NODEJS = 'nodejs',
  PYTHON = 'python',
  DOTNET = 'dotnet',
  GO = 'go',
  APACHE_HTTPD = 'apache-httpd',
  NGINX = 'nginx',
  /** No agent: only the SDK configuration env. */
  SDK = 'sdk',
}

export interface LanguageDefinition {
  readonly language: Language;
  /** Name in messages and events, as upstream words them. */
  readonly display: string;
  readonly injectAnnotation: string;
  /** Per-language target list (read only with multi-instrumentation). Note nginx's `inject-` prefix. */
  readonly containerNamesAnnotation: string;
  /** Extra annotation (platform/runtime) resolved with namespace precedence. */
  readonly variantAnnotation?: string;
  /** Whether the operator enables it by default (`--enable-<lang>-instrumentation`). */
  readonly enabledByDefault: boolean;
  readonly inject: (ctx: LanguageContext) => void;
}

const P = 'instrumentation.opentelemetry.io/';

/** In injection order: the injected init containers follow this order too. */
export const LANGUAGES: readonly LanguageDefinition[] = [
  { language: Language.JAVA, display: 'Java', injectAnnotation: `${P}inject-java`, containerNamesAnnotation: `${P}java-container-names`, enabledByDefault: true, inject: injectJava },
  { language: Language.NODEJS, display: 'NodeJS', injectAnnotation: `${P}inject-nodejs`, containerNamesAnnotation: `${P}nodejs-container-names`, enabledByDefault: true, inject: injectNodeJS },
  { language: Language.PYTHON, display: 'Python', injectAnnotation: `${P}inject-python`, containerNamesAnnotation: `${P}python-container-names`, variantAnnotation: ANNOTATION_PYTHON_PLATFORM, enabledByDefault: true, inject: injectPython },
  { language: Language.DOTNET, display: '.NET', injectAnnotation: `${P}inject-dotnet`, containerNamesAnnotation: `${P}dotnet-container-names`, variantAnnotation: ANNOTATION_DOTNET_RUNTIME, enabledByDefault: true, inject: injectDotNet },
  { language: Language.GO, display: 'Go', injectAnnotation: `${P}inject-go`, containerNamesAnnotation: ANNOTATION_GO_CONTAINER_NAMES, enabledByDefault: false, inject: injectGo },
  { language: Language.APACHE_HTTPD, display: 'Apache HTTPD', injectAnnotation: `${P}inject-apache-httpd`, containerNamesAnnotation: `${P}apache-httpd-container-names`, enabledByDefault: true, inject: injectApacheHttpd },
  { language: Language.NGINX, display: 'Nginx', injectAnnotation: `${P}inject-nginx`, containerNamesAnnotation: `${P}inject-nginx-container-names`, enabledByDefault: false, inject: injectNginx },
  { language: Language.SDK, display: 'SDK', injectAnnotation: `${P}inject-sdk`, containerNamesAnnotation: `${P}sdk-container-names`, enabledByDefault: true, inject: injectSdk },
];

export function languageDefinition(language: Language | string): LanguageDefinition {
  const def = LANGUAGES.find((l) => l.language === language);
  if (!def) {
    throw new InvalidInputError('instrumentation', 'language', `unknown instrumentation language '${language}'`,
      `use one of ${LANGUAGES.map((l) => l.language).join(', ')}`);
  }
  return def;
}
