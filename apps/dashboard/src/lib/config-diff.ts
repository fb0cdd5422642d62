export interface KeysDiff {
  added: string[];
  removed: string[];
}

/** Config var names added and removed between one release and the next (values are never compared here). */
export function diffKeys(before: readonly string[] | null, after: readonly string[]): KeysDiff {
  const prev = new Set(before ?? []);
  const next = new Set(after);
  return {
    added: after.filter((k) => !prev.has(k)).sort(),
    removed: [...prev].filter((k) => !next.has(k)).sort(),
  };
}

/** Changes that turn `current` into `wanted`: changed values set, missing keys unset (null). */
export function configChanges(current: Record<string, string>, wanted: Record<string, string>, removeMissing: boolean): Record<string, string | null> {
  const out: [string, string | null][] = Object.entries(wanted).filter(([k, v]) => !Object.hasOwn(current, k) || current[k] !== v);
  if (removeMissing) for (const k of Object.keys(current)) if (!Object.hasOwn(wanted, k)) out.push([k, null]);
  // fromEntries keeps a key such as __proto__ an own property.
  return Object.fromEntries(out);
}
