// Prisma CLI config (Prisma 7). Only `prisma generate` is used: migrations are
// plain SQL applied offline by packages/db/src/migrate.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/slipway' },
});
