/**
 * IPv4 subnets for app networks, carved from a pool the operator chooses. Docker's own default
 * pools give an engine about 30 bridge networks (a /16 each), too few for a node's apps.
 */
interface Cidr { base: number; prefix: number }

const toInt = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

function parse(cidr: string): Cidr {
  const [ip = '', prefix = '32'] = cidr.split('/');
  const p = Number(prefix);
  const size = 2 ** (32 - p);
  return { base: Math.floor(toInt(ip) / size) * size, prefix: p };
}

/** Two subnets overlap when the larger one holds the other's base address. */
function overlaps(a: Cidr, b: Cidr): boolean {
  const size = 2 ** (32 - Math.min(a.prefix, b.prefix));
  return Math.floor(a.base / size) === Math.floor(b.base / size);
}

/** The first `/prefix` subnet of `pool` that overlaps none of `taken` (IPv4 CIDRs; others ignored), or null. */
export function freeSubnet(pool: string, prefix: number, taken: readonly string[]): string | null {
  const p = parse(pool);
  if (prefix < p.prefix) return null;
  const used = taken.filter((t) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(t)).map(parse);
  const size = 2 ** (32 - prefix);
  for (let base = p.base; base < p.base + 2 ** (32 - p.prefix); base += size) {
    const candidate = { base, prefix };
    if (!used.some((u) => overlaps(u, candidate))) return `${toIp(base)}/${prefix}`;
  }
  return null;
}
