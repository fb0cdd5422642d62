import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFile } from 'node:fs/promises';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

/**
 * Prisma's own schema engine, compiled to WebAssembly, talking to Postgres
 * through the pg driver adapter. It replaces the native schema-engine binary
 * that `prisma migrate` would download, so migrations work offline.
 */
export interface WasmSchemaEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout?: string | null }>;
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diagnoseMigrationHistory(input: unknown): Promise<unknown>;
  free(): void;
}

interface WasmBindings {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
  SchemaEngine: { new: (options: unknown, log: (msg: string) => void, adapter: unknown) => Promise<WasmSchemaEngine> };
}

let bindings: Promise<WasmBindings> | undefined;

// The package's entry imports a .wasm module, which Node 20 only loads behind a
// flag; instantiate the module ourselves and hand it to the generated glue.
async function loadBindings(): Promise<WasmBindings> {
  const dir = dirname(fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm')));
  const glue = (await import(pathToFileURL(join(dir, 'schema_engine_bg.js')).href)) as WasmBindings & WebAssembly.ModuleImports;
  const { instance } = await WebAssembly.instantiate(await readFile(join(dir, 'schema_engine_bg.wasm')), {
    './schema_engine_bg.js': glue,
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
  return glue;
}

export async function openSchemaEngine(databaseUrl: string, schema: string): Promise<{ engine: WasmSchemaEngine; close: () => Promise<void> }> {
  bindings ??= loadBindings();
  const glue = await bindings;
  const factory = new PrismaPg({ connectionString: databaseUrl, max: 2 });
  const engine = await glue.SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    close: async () => engine.free(),
  };
}
