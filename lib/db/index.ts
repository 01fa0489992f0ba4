import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { env } from "@/lib/env";

export { Prisma } from "./generated/client";
export * from "./generated/enums";
export type {
  User,
  Team,
  Membership,
  Invite,
  Cluster,
  Run,
  RunStep,
  RunLog,
  ShareLink,
  ApiToken,
  AuditEvent,
  Schedule,
  BackgroundJob,
  AccountToken,
  Experiment,
  ExperimentVersion,
  ExperimentExecution,
  CheckSample,
  WebhookEndpoint,
  WebhookDelivery,
} from "./generated/client";

// Each distinct statement text gets a name, so that every connection parses and plans it once
// and afterwards only binds and executes it: most of this application's statements are the
// same few texts run again and again. Texts past the cap (a query with a list of varying
// length has one text per length) run unnamed, as all statements did before.
const MAX_NAMED_STATEMENTS = 1_000;
const statementNames = new Map<string, string>();
function statementName(query: { sql: string }): string {
  let name = statementNames.get(query.sql);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `pystol_${statementNames.size}`;
    statementNames.set(query.sql, name);
  }
  // An empty name is an unnamed statement to pg.
  return name ?? "";
}

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: env().DATABASE_URL, max: 10 }, { statementNameGenerator: statementName });
  // Prisma's defaults (2 s to get a connection, 5 s per transaction) turn a burst of load into
  // failed requests; waiting a little longer for the pool is the better answer.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 20_000 } });
}

// One client per process; Next.js dev reloads modules, so the client is kept on globalThis
// there rather than opening a new pool on every reload.
const globalForDb = globalThis as unknown as { pystolDb?: PrismaClient };

/** The process's database client. Team data is read through lib/tenancy, not directly. */
export const db: PrismaClient = globalForDb.pystolDb ?? createClient();
if (process.env.NODE_ENV !== "production") globalForDb.pystolDb = db;

export type Db = PrismaClient;

/**
 * The SQLSTATE of a PostgreSQL error that reached us through Prisma's driver adapter (for
 * example one raised by a trigger or function of ours), or undefined for any other error.
 */
export function postgresErrorCode(err: unknown): string | undefined {
  const code = (err as { meta?: { driverAdapterError?: { cause?: { code?: unknown } } } } | null)?.meta?.driverAdapterError?.cause?.code;
  return typeof code === "string" ? code : undefined;
}

let idCounter = 0;

/**
 * A new row id of the shape Prisma's cuid() default gives (25 lower-case letters and digits,
 * starting with "c", ordered by time): for rows written by a raw statement, which does not
 * run Prisma's client-side defaults.
 */
export function createId(): string {
  idCounter = (idCounter + 1) % 1_679_616;
  const time = Date.now().toString(36).padStart(8, "0");
  const count = idCounter.toString(36).padStart(4, "0");
  // randomUUID draws from a cached pool of random bytes; randomBytes would make a call per id.
  const random = randomUUID().replaceAll("-", "").slice(-12);
  return `c${time}${count}${random}`;
}
