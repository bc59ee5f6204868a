/**
 * The real node's images: built here from packages (Go module proxy, Debian, Maven Central, npm, PyPI) with no
 * container daemon, and pushed into the local registry under the path containerd asks its mirror for
 * (image-specs.ts says which images, scripts/build-node-images.sh lays out their files, tools/oci-image makes
 * and pushes the OCI images). Each image is built once per version and kept under ~/.cache/cdk8s-otel/images/;
 * a registry that already holds it (same digest) gets nothing.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageSpec, imageAnnotations, imageConfig, mirrorPath, PAUSE_IMAGE_NAME, selectSpecs } from './image-specs';
import { imagesCacheDir, parseHostPort, runScript } from './registry';

export interface NodeImage {
  /** the name pods use, e.g. ghcr.io/open-telemetry/... */
  name: string;
  /** what the image was built from (packages and versions), also in its annotations */
  builtFrom: string;
  /** the image's size as pushed: manifest, config and compressed layers */
  bytes: number;
}

/** The sandbox ("pause") image name containerd's `sandbox_image` must be set to; it is one of ensureImages' images. */
export const PAUSE_IMAGE: string = PAUSE_IMAGE_NAME;

/** What the cache keeps of a built image (image.json beside image.oci.tar). */
export interface BuiltImage {
  id: string;
  names: string[];
  builtFrom: string;
  /** manifest digest as pushed (annotations included) */
  digest?: string;
  bytes?: number;
  /** unpacked root filesystem */
  rootfsBytes: number;
  buildSeconds: number;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'build-node-images.sh');
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * The cache folder of one spec: named by id and version, keyed by the spec and the build script, and for our
 * operator image by the sources it compiles (it must follow the checkout, as `npm run image` does).
 */
export function specCacheDir(spec: ImageSpec): string {
  const hash = createHash('sha256').update(JSON.stringify(spec));
  hash.update(fs.readFileSync(SCRIPT));
  if (spec.recipe === 'operator') {
    for (const p of ['src', 'imports', 'bin', 'tsconfig.json', 'package-lock.json', 'scripts/build-image.sh']) hashTree(hash, path.join(ROOT, p));
  }
  return path.join(imagesCacheDir(), `${spec.id}-${spec.version}-${hash.digest('hex').slice(0, 12)}`);
}

/** Feeds every file's path and content under `p` (in a stable order) to `hash`. */
function hashTree(hash: ReturnType<typeof createHash>, p: string): void {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) hashTree(hash, path.join(p, name));
  } else if (stat.isFile()) {
    hash.update(path.relative(ROOT, p)).update(fs.readFileSync(p));
  }
}

/** HEAD of a manifest in the registry: its digest, or undefined when the tag is not there. */
function remoteDigest(registry: string, name: string): Promise<string | undefined> {
  const [repository, tag] = splitPath(mirrorPath(name));
  return new Promise((resolve) => {
    const req = http.request(`http://${registry}/v2/${repository}/manifests/${tag}`,
      { method: 'HEAD', headers: { Accept: MANIFEST_TYPES }, timeout: 5000 }, (res) => {
        res.resume();
        const digest = res.headers['docker-content-digest'];
        resolve(res.statusCode === 200 && typeof digest === 'string' ? digest : undefined);
      });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function splitPath(p: string): [string, string] {
  const i = p.lastIndexOf(':');
  return [p.slice(0, i), p.slice(i + 1)];
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(p);
    else if (entry.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

async function tool(name: string, log: (line: string) => void): Promise<string> {
  const out = await runScript(SCRIPT, ['tool', name], log);
  const line = out.reverse().find((l) => l.startsWith(`${name}: `));
  if (!line) throw new Error(`scripts/build-node-images.sh tool ${name} printed no path`);
  return line.slice(name.length + 2);
}

/**
 * Runs `fn` holding `<dir>.lock` (a folder: mkdir is atomic), so that two processes sharing the cache (a test
 * run and a dev cluster, or two engineers' runs) do not build one image twice at once. A lock older than
 * `staleMs` is taken over: its holder died.
 */
export async function withDirLock<T>(dir: string, fn: () => Promise<T>, staleMs = 45 * 60_000): Promise<T> {
  const lock = `${dir}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleMs) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds one image into its cache folder (image.oci.tar + image.json) unless it is there. */
function buildImage(spec: ImageSpec, ociImage: string, log: (line: string) => void): Promise<BuiltImage> {
  return withDirLock(specCacheDir(spec), () => buildImageLocked(spec, ociImage, log));
}

async function buildImageLocked(spec: ImageSpec, ociImage: string, log: (line: string) => void): Promise<BuiltImage> {
  const dir = specCacheDir(spec);
  const metaFile = path.join(dir, 'image.json');
  const archive = path.join(dir, 'image.oci.tar');
  if (fs.existsSync(metaFile) && fs.existsSync(archive)) return JSON.parse(fs.readFileSync(metaFile, 'utf8')) as BuiltImage;
  log(`building image ${spec.id} ${spec.version} ...`);
  const t0 = Date.now();
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-otel-image-${spec.id}-`));
  try {
    const built = spec.recipe === 'operator'
      ? await buildOperatorImage(spec, archive, log)
      : await buildRecipeImage(spec, work, archive, ociImage, log);
    const meta: BuiltImage = { id: spec.id, names: [...spec.names], ...built, buildSeconds: Math.round((Date.now() - t0) / 100) / 10 };
    fs.writeFileSync(metaFile, JSON.stringify(meta, null, 2) + '\n');
    log(`built image ${meta.id} in ${meta.buildSeconds} s (root filesystem ${(meta.rootfsBytes / 1e6).toFixed(1)} MB)`);
    return meta;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A recipe's root filesystem (scripts/build-node-images.sh) made into an image by tools/oci-image. */
async function buildRecipeImage(spec: ImageSpec, work: string, archive: string, ociImage: string,
  log: (line: string) => void): Promise<{ builtFrom: string; rootfsBytes: number }> {
  const rootfs = path.join(work, 'rootfs');
  const out = await runScript(SCRIPT, ['rootfs', spec.recipe, rootfs], log);
  const found = out.filter((l) => l.startsWith('from: ')).map((l) => l.slice(6));
  const builtFrom = found.length ? `${spec.builtFrom} (${found.join(', ')})` : spec.builtFrom;
  const configFile = path.join(work, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify(imageConfig(spec, builtFrom)));
  const annotations = Object.entries(imageAnnotations(spec, builtFrom)).flatMap(([k, v]) => ['--annotation', `${k}=${v}`]);
  await runTool(ociImage, ['build', '--rootfs', rootfs, '--out', archive, '--ref', spec.names[0], '--epoch', '0',
    '--config', configFile, ...annotations]);
  return { builtFrom, rootfsBytes: dirBytes(rootfs) };
}

/** Our operator image, as `npm run image` builds it (its annotations are added when it is pushed). */
async function buildOperatorImage(spec: ImageSpec, archive: string,
  log: (line: string) => void): Promise<{ builtFrom: string; rootfsBytes: number }> {
  const out = await runScript(path.join(ROOT, 'scripts', 'build-image.sh'), [`${archive}.tmp`], log);
  fs.renameSync(`${archive}.tmp`, archive);
  const digest = out.find((l) => l.startsWith('digest: '))?.slice(8);
  const size = out.find((l) => l.startsWith('size: '));
  return {
    builtFrom: digest ? `${spec.builtFrom} (archive ${digest})` : spec.builtFrom,
    rootfsBytes: Number(/unpacked (\d+)/.exec(size ?? '')?.[1] ?? 0),
  };
}

function runTool(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${path.basename(binary)} ${args[0]} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Pushes a built image under every name it has, unless the registry already holds its digest under each. */
async function pushImage(registry: string, spec: ImageSpec, meta: BuiltImage, ociImage: string,
  log: (line: string) => void): Promise<BuiltImage> {
  if (meta.digest) {
    const digests = await Promise.all(spec.names.map((n) => remoteDigest(registry, n)));
    if (digests.every((d) => d === meta.digest)) return meta;
  }
  const archive = path.join(specCacheDir(spec), 'image.oci.tar');
  const to = spec.names.flatMap((n) => ['--to', `${registry}/${mirrorPath(n)}`]);
  const annotations = spec.recipe === 'operator'
    ? Object.entries(imageAnnotations(spec, meta.builtFrom)).flatMap(([k, v]) => ['--annotation', `${k}=${v}`])
    : [];
  const out = (await runTool(ociImage, ['push', '--archive', archive, ...to, ...annotations])).trim().split(/\s+/);
  const pushed: BuiltImage = { ...meta, digest: out[0], bytes: Number(out[1]) };
  fs.writeFileSync(path.join(specCacheDir(spec), 'image.json'), JSON.stringify(pushed, null, 2) + '\n');
  log(`pushed ${spec.id} (${out[0].slice(0, 19)}, ${(pushed.bytes! / 1e6).toFixed(1)} MB) as ${spec.names.join(', ')}`);
  return pushed;
}

/** Builds what is missing (cached by version) and pushes every image into the registry under its mirrored path. */
export async function ensureImages(registry: string, opts?: { only?: string[]; log?: (line: string) => void }): Promise<NodeImage[]> {
  const log = opts?.log ?? (() => undefined);
  parseHostPort(registry, 'ensureImages registry');
  const specs = selectSpecs(opts?.only);
  const ociImage = await tool('oci-image', log);
  const images: NodeImage[] = [];
  for (const spec of specs) {
    const built = await pushImage(registry, spec, await buildImage(spec, ociImage, log), ociImage, log);
    for (const name of spec.names) images.push({ name, builtFrom: built.builtFrom, bytes: built.bytes ?? 0 });
  }
  return images;
}

/** What the cache holds of each image (for the docs table and `npm run bench`-like reports): undefined when unbuilt. */
export function cachedImage(spec: ImageSpec): BuiltImage | undefined {
  const file = path.join(specCacheDir(spec), 'image.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as BuiltImage) : undefined;
}
