import { ANNOTATION_DOTNET_RUNTIME } from './constants';
import { appendIfNotSet, hasEnv, valueFromConflict } from './env';
import { appendToEnvValue, injectCopyAgent, LanguageContext } from './language';
import { Container } from './types';

const HOME = '/otel-auto-instrumentation-dotnet';
const AUTO_HOME = 'OTEL_DOTNET_AUTO_HOME';
/** Variables that hold ":"-separated lists: ours is appended to a user value. */
const LIST_VARS = ['DOTNET_STARTUP_HOOKS', 'DOTNET_ADDITIONAL_DEPS', 'DOTNET_SHARED_STORE'];

/** Native profiler directory per supported `otel-dotnet-auto-runtime` annotation value. */
const PROFILER_DIR: { [runtime: string]: string } = {
  '': 'linux',
  'linux-x64': 'linux',
  'linux-musl-x64': 'linux-musl',
};

/** .NET: the CLR profiler and startup hook of the auto-instrumentation, in upstream's order of 7 variables. */
export function injectDotNet(ctx: LanguageContext): void {
  const spec = ctx.inst.spec.dotnet;
  const runtime = ctx.variant;
  const profilerDir = PROFILER_DIR[runtime];
  injectCopyAgent(ctx, {
    key: 'dotnet',
    display: 'DotNet SDK',
    spec,
    resources: spec?.resourceRequirements,
    command: ['cp', '-r', '/autoinstrumentation/.', HOME],
    initMountPath: HOME,
    mountPath: () => HOME,
    validate: (c) => {
      const conflict = valueFromConflict(c.env, ...LIST_VARS);
      if (conflict) return conflict;
      // Already set means someone configured the .NET auto-instrumentation by hand: leave it to them.
      if (hasEnv(c.env, AUTO_HOME)) return `${AUTO_HOME} environment variable is already set in the container`;
      if (hasEnv(spec?.env, AUTO_HOME)) return `${AUTO_HOME} environment variable is already set in the .NET instrumentation spec`;
      if (profilerDir === undefined) {
        return `provided ${ANNOTATION_DOTNET_RUNTIME} annotation value '${runtime}' is not supported (use "linux-x64" or "linux-musl-x64")`;
      }
      return undefined;
    },
    defaultEnv: (c) => {
      setDotNetVar(c, 'CORECLR_ENABLE_PROFILING', '1', false);
      setDotNetVar(c, 'CORECLR_PROFILER', '{918728DD-259F-4A6A-AC2B-B85E1B658318}', false);
      setDotNetVar(c, 'CORECLR_PROFILER_PATH', `${HOME}/${profilerDir}/OpenTelemetry.AutoInstrumentation.Native.so`, false);
      setDotNetVar(c, 'DOTNET_STARTUP_HOOKS', `${HOME}/net/OpenTelemetry.AutoInstrumentation.StartupHook.dll`, true);
      setDotNetVar(c, 'DOTNET_ADDITIONAL_DEPS', `${HOME}/AdditionalDeps`, true);
      setDotNetVar(c, AUTO_HOME, HOME, false);
      setDotNetVar(c, 'DOTNET_SHARED_STORE', `${HOME}/store`, true);
    },
  });
}

/** Adds the variable; when present, list variables get ":<ours>" appended and the others keep the user's value. */
function setDotNetVar(c: Container, name: string, value: string, concat: boolean): void {
  if (concat) appendToEnvValue(c, name, value, (cur) => `${cur}:${value}`);
  else c.env = appendIfNotSet(c.env ?? [], { name, value });
}
