import { createHash } from "node:crypto";
import { db, postgresErrorCode, type Prisma } from "@/lib/db";
import type { TeamContext } from "./context";

// Idempotency-Key on every API request that starts or changes something (POST, PUT, PATCH,
// DELETE): the first answer is kept for a day and a retry with the same key gets it again,
// so a client that lost an answer (a timeout, a restart) can retry without acting twice.
// Keys belong to who sent them (the API token or the person): another principal's key is
// another key. Answers 5xx are not kept: nothing was done, and the retry should act.

const KEY = /^[\x21-\x7e]{1,255}$/;
const KEEP_MS = 24 * 3600_000;
// A first request still unanswered after this was interrupted (its process died).
const ABANDONED_MS = 60_000;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function json(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}

/** Whether a request of this method may carry an Idempotency-Key. */
export const changesSomething = (method: string) => method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";

/**
 * Serves a request that carries an Idempotency-Key exactly once: the handler runs for the
 * first request with a key; a retry with the same key and request gets the stored answer
 * (`Idempotent-Replayed: true`); the same key with another request is refused (422); a retry
 * while the first is still being served is told to wait (409).
 */
export async function serveIdempotently(req: Request, key: string, ctx: TeamContext, handler: () => Promise<Response>): Promise<Response> {
  if (!KEY.test(key)) return json(400, "invalid_request", "The Idempotency-Key header is 1 to 255 visible ASCII characters, such as a UUID.");
  const url = new URL(req.url);
  const requestHash = sha256(`${req.method} ${url.pathname}${url.search}\n${await req.clone().text()}`);
  const keyHash = sha256(`${ctx.team.id}\n${ctx.tokenId ?? `user:${ctx.user?.id ?? ""}`}\n${key}`);
  try {
    // A key older than a day is forgotten: it names a new request.
    await db.idempotentRequest.deleteMany({ where: { keyHash, createdAt: { lt: new Date(Date.now() - KEEP_MS) } } });
    await db.idempotentRequest.create({ data: { teamId: ctx.team.id, keyHash, requestHash } });
  } catch (err) {
    if (postgresErrorCode(err) !== "23505" && (err as { code?: string }).code !== "P2002") throw err;
    const first = await db.idempotentRequest.findUnique({ where: { keyHash } });
    if (!first) return json(409, "idempotency_conflict", "A request with this Idempotency-Key was just being served; send it again.", { "retry-after": "1" });
    if (first.requestHash !== requestHash) {
      return json(422, "idempotency_key_reused", "This Idempotency-Key was used for a different request; use a new key for a new request.");
    }
    if (first.status === null) {
      if (Date.now() - first.createdAt.getTime() > ABANDONED_MS) {
        return json(409, "idempotency_interrupted", "The first request with this Idempotency-Key was interrupted before it was answered; check whether it took effect before sending it again with a new key.");
      }
      return json(409, "idempotency_in_progress", "The first request with this Idempotency-Key is still being served; retry in a moment.", { "retry-after": "1" });
    }
    const headers = { "idempotent-replayed": "true" };
    return first.body === null ? new Response(null, { status: first.status, headers }) : Response.json(first.body, { status: first.status, headers });
  }
  let res: Response;
  try {
    res = await handler();
  } catch (err) {
    await db.idempotentRequest.deleteMany({ where: { keyHash } }).catch(() => undefined);
    throw err;
  }
  if (res.status >= 500) {
    await db.idempotentRequest.deleteMany({ where: { keyHash } }).catch(() => undefined);
    return res;
  }
  let body: unknown = null;
  try {
    body = await res.clone().json();
  } catch {
    body = null;
  }
  await db.idempotentRequest.updateMany({ where: { keyHash }, data: { status: res.status, body: body as Prisma.InputJsonValue } });
  // Old keys go as new ones come: a cheap indexed delete now and then, no job of its own.
  if (Math.random() < 0.02) await db.idempotentRequest.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - KEEP_MS) } } }).catch(() => undefined);
  return res;
}
