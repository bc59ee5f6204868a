/** The parts of an existing ConfigMap the retention rule looks at. */
export interface ExistingConfigMap {
  readonly name: string;
  /** RFC 3339 creation time, as the API server reports it */
  readonly creationTimestamp?: string;
  /**
   * The object's resourceVersion: creation times have a one-second resolution, so two ConfigMaps made within the
   * same second tie; etcd's revisions (integers) then tell which is newer. @default - ties go by name
   */
  readonly resourceVersion?: string;
}

export interface ConfigMapRetention {
  /** names to keep (the desired one first, then the newest older versions) */
  readonly keep: string[];
  /** names to delete (older than the retained versions) */
  readonly delete: string[];
}

/**
 * Which collector ConfigMaps to keep after a config change. Upstream keeps the newest `max(configVersions, 1) + 1`
 * owned ConfigMaps by creation time, so `configVersions` older configs stay available for a rollback while the new
 * pods start; the desired ConfigMap is always kept. Pure: the caller lists the collector's own ConfigMaps
 * (`<name>-collector-<hash8>`) and deletes what this returns.
 */
export function selectConfigMapsToKeep(existing: ExistingConfigMap[], desiredName: string, configVersions = 3): ConfigMapRetention {
  const versions = Math.max(configVersions, 1);
  const others = existing
    .filter((cm) => cm.name !== desiredName)
    .sort((a, b) => {
      const ta = Date.parse(a.creationTimestamp ?? '') || 0;
      const tb = Date.parse(b.creationTimestamp ?? '') || 0;
      return tb - ta || revisionOrder(a, b) || (a.name < b.name ? -1 : 1);
    });
  // the desired ConfigMap counts as one of the max(configVersions,1)+1 retained ones
  const keepOthers = others.slice(0, versions);
  return { keep: [desiredName, ...keepOthers.map((c) => c.name)], delete: others.slice(versions).map((c) => c.name) };
}

/** Whether a ConfigMap name is one of this collector's versioned config ConfigMaps. */
export function isCollectorConfigMapName(collectorName: string, configMapName: string): boolean {
  const prefix = `${collectorName}-collector-`;
  return configMapName.startsWith(prefix) && /^[0-9a-f]{8}$/.test(configMapName.slice(prefix.length));
}

/** Newer revision first when both are integers (etcd's), else 0. */
function revisionOrder(a: ExistingConfigMap, b: ExistingConfigMap): number {
  if (!/^\d+$/.test(a.resourceVersion ?? '') || !/^\d+$/.test(b.resourceVersion ?? '')) return 0;
  const ra = BigInt(a.resourceVersion!);
  const rb = BigInt(b.resourceVersion!);
  return ra === rb ? 0 : rb > ra ? 1 : -1;
}
