/**
 * The real node's images: built here from packages (Go module proxy, Debian, Maven Central, npm, PyPI) with no
 * container daemon, and pushed into the local registry under the path containerd asks its mirror for.
 */

export interface NodeImage {
  /** the name pods use, e.g. ghcr.io/open-telemetry/... */
  name: string;
  /** what the image was built from (packages and versions), also in its annotations */
  builtFrom: string;
  /** the image's size as pushed: manifest, config and compressed layers */
  bytes: number;
}

/** The sandbox ("pause") image name containerd's `sandbox_image` must be set to; it is one of ensureImages' images. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/** Builds what is missing (cached by version) and pushes every image into the registry under its mirrored path. */
export async function ensureImages(registry: string, opts?: { only?: string[]; log?: (line: string) => void }): Promise<NodeImage[]> {
  void registry;
  void opts;
  throw new Error('ensureImages: not implemented yet on this branch (node-images is building it)');
}
