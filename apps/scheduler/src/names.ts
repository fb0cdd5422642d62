/** DYNO-style names: the lowest free indexes, so web.1…web.N stay dense across scale and re-placement. */
export function nextNames(type: string, taken: Iterable<string>, count: number): string[] {
  const used = new Set(taken);
  const names: string[] = [];
  for (let i = 1; names.length < count; i++) if (!used.has(`${type}.${i}`)) names.push(`${type}.${i}`);
  return names;
}
