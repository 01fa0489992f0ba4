import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import * as Prisma from "@/lib/db/generated/internal/prismaNamespace";
import { deployMigrations, dropDatabase, pendingSchemaSql } from "./migrate";

const scratch = `postgresql://postgres@127.0.0.1:5432/pystol_migrations_${process.pid}`;

// Every model of the generated client with the columns it will select and write.
function expectedTables(): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const model of Object.values(Prisma.ModelName)) {
    const fields = (Prisma as unknown as Record<string, Record<string, string>>)[`${model}ScalarFieldEnum`];
    tables.set(model, Object.values(fields ?? {}));
  }
  return tables;
}

describe("migrations", () => {
  afterAll(() => dropDatabase(scratch));

  it("applied to an empty database yield every table and column the client expects", async () => {
    await dropDatabase(scratch);
    const applied = await deployMigrations(scratch);
    expect(applied.length).toBeGreaterThan(0);

    const client = new pg.Client({ connectionString: scratch });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
      );
      const actual = new Map<string, Set<string>>();
      for (const r of rows) actual.set(r.table_name, (actual.get(r.table_name) ?? new Set()).add(r.column_name));

      const expected = expectedTables();
      expect(expected.size).toBeGreaterThanOrEqual(14);
      for (const [table, columns] of expected) {
        expect(actual.has(table), `table ${table}`).toBe(true);
        for (const column of columns) expect(actual.get(table)?.has(column), `${table}.${column}`).toBe(true);
      }
    } finally {
      await client.end();
    }
  });

  it("are idempotent: a second deploy applies nothing", async () => {
    expect(await deployMigrations(scratch)).toEqual([]);
  });

  it("cover the whole schema: no change in schema.prisma lacks its migration", async () => {
    expect(await pendingSchemaSql(scratch)).toBe("");
  });
});
