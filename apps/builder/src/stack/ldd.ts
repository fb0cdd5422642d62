/** Absolute library paths from `ldd` output (the vDSO has no file and is skipped). */
export function parseLdd(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /=>\s*(\/\S+)\s*\(/.exec(line) ?? /^\s*(\/\S+)\s*\(/.exec(line);
    if (m?.[1]) paths.add(m[1]);
  }
  return [...paths];
}
