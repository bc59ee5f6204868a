/**
 * Re-pushes an image of the local registry under another name with another command: same layers (mounted across
 * repositories, nothing copied), a new config and manifest. Plain registry API over HTTP; no image is built.
 *
 * Used for the target allocator: the operator gives a TargetAllocator Deployment upstream's image name
 * (ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:<version>) and no command, since in upstream's
 * image the allocator is the entrypoint. Ours is `cdk8s-otel target-allocator` in the operator image, whose default
 * command is `operator`: {@link pushAllocatorImage} pushes it under upstream's name with `target-allocator`.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

function call(registry: string, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  const [host, port] = registry.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path, headers: { ...headers, ...(body ? { 'Content-Length': body.length } : {}) }, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Repository and tag of a mirrored name as the registry stores it (docker.io names get `library/`). */
export function registryRef(image: string): { repo: string; tag: string } {
  const at = image.lastIndexOf(':');
  const slash = image.lastIndexOf('/');
  const [name, tag] = at > slash ? [image.slice(0, at), image.slice(at + 1)] : [image, 'latest'];
  const parts = name.split('/');
  const hasHost = parts.length > 1 && /[.:]/.test(parts[0]);
  const path = hasHost ? parts.slice(1) : parts;
  return { repo: path.length === 1 ? `library/${path[0]}` : path.join('/'), tag };
}

/** Pushes `from` again as `to` with the config's Cmd replaced by `cmd`. */
export async function retagWithCommand(registry: string, from: string, to: string, cmd: string[]): Promise<void> {
  const src = registryRef(from);
  const dst = registryRef(to);
  const get = async (path: string, accept?: string) => {
    const r = await call(registry, 'GET', path, undefined, accept ? { Accept: accept } : {});
    if (r.status !== 200) throw new Error(`GET ${path} on ${registry}: ${r.status} ${r.body.toString().slice(0, 200)}`);
    return r;
  };
  let manifestReply = await get(`/v2/${src.repo}/manifests/${src.tag}`, MANIFEST_TYPES.join(', '));
  let manifest = JSON.parse(manifestReply.body.toString());
  if (manifest.manifests) {
    const pick = manifest.manifests.find((m: { platform?: { os?: string; architecture?: string } }) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64') ?? manifest.manifests[0];
    manifestReply = await get(`/v2/${src.repo}/manifests/${pick.digest}`, MANIFEST_TYPES.join(', '));
    manifest = JSON.parse(manifestReply.body.toString());
  }
  const config = JSON.parse((await get(`/v2/${src.repo}/blobs/${manifest.config.digest}`)).body.toString());
  config.config = { ...config.config, Cmd: cmd };
  const configBytes = Buffer.from(JSON.stringify(config));

  for (const layer of manifest.layers as { digest: string }[]) {
    const r = await call(registry, 'POST', `/v2/${dst.repo}/blobs/uploads/?mount=${layer.digest}&from=${src.repo}`);
    if (r.status !== 201) throw new Error(`mounting ${layer.digest} into ${dst.repo}: ${r.status}`);
  }
  const start = await call(registry, 'POST', `/v2/${dst.repo}/blobs/uploads/`);
  const location = String(start.headers.location ?? '');
  if (start.status !== 202 || !location) throw new Error(`starting an upload to ${dst.repo}: ${start.status}`);
  const url = new URL(location, `http://${registry}`);
  url.searchParams.set('digest', sha256(configBytes));
  const put = await call(registry, 'PUT', url.pathname + url.search, configBytes, { 'Content-Type': 'application/octet-stream' });
  if (put.status !== 201) throw new Error(`uploading the config to ${dst.repo}: ${put.status} ${put.body.toString().slice(0, 200)}`);

  manifest.config = { ...manifest.config, digest: sha256(configBytes), size: configBytes.length };
  const type = String(manifestReply.headers['content-type'] ?? manifest.mediaType ?? MANIFEST_TYPES[0]);
  const m = await call(registry, 'PUT', `/v2/${dst.repo}/manifests/${dst.tag}`, Buffer.from(JSON.stringify(manifest)), { 'Content-Type': type });
  if (m.status !== 201) throw new Error(`pushing the manifest ${to}: ${m.status} ${m.body.toString().slice(0, 200)}`);
}

/** The operator image as pushed by ensureImages (node-images' OPERATOR_IMAGE). */
export const OPERATOR_IMAGE = 'cdk8s-otel:0.0.0';
/** Upstream's target allocator image that our operator names by default (targetallocator room's default). */
export const UPSTREAM_ALLOCATOR_IMAGE = 'ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:0.158.0';

/** Pushes our operator image as upstream's target allocator image, running `cdk8s-otel target-allocator`. */
export function pushAllocatorImage(registry: string, name = UPSTREAM_ALLOCATOR_IMAGE): Promise<void> {
  return retagWithCommand(registry, OPERATOR_IMAGE, name, ['target-allocator']);
}
