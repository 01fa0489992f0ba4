// Prisma's schema engine compiled to WebAssembly, driven through the pg driver adapter.
// The native engine binary that `prisma migrate` downloads is not reachable from every
// machine we run on; this engine applies the same Prisma-format migration folders and keeps
// Prisma's own `_prisma_migrations` table, so the history stays valid for `prisma migrate
// deploy` wherever the binary exists.
import { readFile, readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "migrations");
export const SCHEMA_PATH = path.resolve(import.meta.dirname, "schema.prisma");

type Bg = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
export type SchemaEngine = Awaited<ReturnType<Bg["SchemaEngine"]["new"]>>;
export type MigrationList = Parameters<SchemaEngine["applyMigrations"]>[0]["migrationsList"];

let bgPromise: Promise<Bg> | undefined;

// The package's main entry imports the .wasm file as an ES module, which Node 20 refuses;
// the generated glue is loaded directly and given an instance made here.
async function loadBg(): Promise<Bg> {
  bgPromise ??= (async () => {
    const bg = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as Bg;
    const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")), "schema_engine_bg.wasm");
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
    });
    const exports = instance.exports as WebAssembly.Exports & { __wbindgen_start: () => void };
    (bg as unknown as { __wbg_set_wasm: (e: WebAssembly.Exports) => void }).__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return bg;
  })();
  return bgPromise;
}

// The adapter's executeScript splits a migration at every ";", which cuts a function body
// ($$ … ; … $$) apart. Prisma's native engine sends a migration whole, in one simple query
// (one implicit transaction); so does this.
type ScriptRunner = { executeScript(script: string): Promise<void>; onError(err: unknown): never };
function sendWhole<T extends object>(adapter: T, pool: pg.Pool): T {
  const a = adapter as unknown as ScriptRunner;
  a.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (err) {
      a.onError(err);
    }
  };
  return adapter;
}

class WholeScriptPg extends PrismaPg {
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }
  override async connect() {
    return sendWhole(await super.connect(), this.pool);
  }
}

export interface OpenEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes its connections (which releases Prisma's advisory lock). */
  close(): Promise<void>;
}

/** Opens a schema engine connected to the database at `connectionString`. */
export async function openSchemaEngine(
  connectionString: string,
  log: (message: string) => void = () => {},
): Promise<OpenEngine> {
  const bg = await loadBg();
  const schemaText = await readFile(SCHEMA_PATH, "utf8");
  // The pool is ours so that it can be closed: the engine itself never ends it.
  const pool = new pg.Pool({ connectionString, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new WholeScriptPg(pool));
  const engine = await bg.SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schemaText]] }, log, adapter);
  return {
    engine,
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}

/** Reads prisma/migrations into the shape the engine expects. */
export async function readMigrationList(dir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const names: string[] = [];
  for (const name of entries.sort()) {
    if ((await stat(path.join(dir, name))).isDirectory()) names.push(name);
  }
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: await readFile(path.join(dir, name, "migration.sql"), "utf8") },
      },
    })),
  );
  const lockContent = await readFile(path.join(dir, "migration_lock.toml"), "utf8").catch(
    () => 'provider = "postgresql"\n',
  );
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };
