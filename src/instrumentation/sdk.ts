import { LanguageContext } from './language';
import { injectCommonEnv, injectCommonSdkConfig } from './sdk-config';

/** SDK only: the app already carries an OpenTelemetry SDK; it just gets the common env (§4). */
export function injectSdk(ctx: LanguageContext): void {
  for (const c of ctx.targets) {
    injectCommonEnv(ctx.inst, c);
    injectCommonSdkConfig(ctx, c, c);
  }
}
