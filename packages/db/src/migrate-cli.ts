// `npm run db:migrate` applies migrations; `npm run db:migrate -- new NAME` writes one from the
// difference between the last migration's schema snapshot and prisma/schema.prisma (no database is changed).
import { migrateDeploy, migrateNew } from './migrate.ts';

const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/slipway';
const [cmd = 'deploy', name = 'change'] = process.argv.slice(2);

if (cmd === 'deploy') {
  const applied = await migrateDeploy(url);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
} else if (cmd === 'new') {
  const dir = await migrateNew(url, name);
  console.log(dir ? `Wrote ${dir}/migration.sql` : 'Schema and migrations already match; nothing written');
} else {
  console.error(`Unknown command "${cmd}". Use: deploy | new NAME`);
  process.exit(2);
}
