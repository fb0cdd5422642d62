import { Prisma } from './generated/client.ts';

// Prisma's codes for a database it cannot reach, lost, or whose pool ran dry.
const UNREACHABLE_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
// Socket errors, and Postgres' class 08 (connection exception) and 57P0x (server shutting down, restarting).
const UNREACHABLE_DRIVER = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|08\w{3}|57P0[1-3])$/;
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** True when the error says the platform's database is unreachable (not that a query was wrong). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientInitializationError) return true;
  if (err instanceof Prisma.PrismaClientKnownRequestError && UNREACHABLE_PRISMA.has(err.code)) return true;
  // Driver adapter errors (pg) carry the driver's own code; raw pg errors carry it on the error or its causes.
  const adapter = (err as { meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } } })?.meta?.driverAdapterError?.cause;
  if (adapter && (UNREACHABLE_KINDS.has(adapter.kind ?? '') || UNREACHABLE_DRIVER.test(adapter.originalCode ?? ''))) return true;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (UNREACHABLE_DRIVER.test(String((e as { code?: unknown }).code ?? ''))) return true;
  }
  return false;
}
