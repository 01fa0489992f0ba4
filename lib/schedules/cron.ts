import { CronExpressionParser, type CronExpression } from "cron-parser";

// The same cron library (and version) BullMQ's job schedulers use for `pattern` repeats, so the
// times previewed here are the times the queue fires.

/** Longest cron expression accepted; real ones are far shorter. */
export const CRON_MAX_LENGTH = 120;

export type CronCheck = { ok: true } | { ok: false; field: "cron" | "timezone"; message: string };

/** Whether the time zone is an IANA name this runtime knows ("Europe/Madrid", "UTC"). */
export function isTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Every IANA time zone name the runtime knows, for the form's list. */
export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

function parse(cron: string, timezone: string, currentDate: Date): CronExpression {
  return CronExpressionParser.parse(cron, { tz: timezone, currentDate });
}

/**
 * Validates a cron expression in a time zone, with a sentence for people. Five fields
 * (minute hour day month weekday) or six (a leading seconds field).
 */
export function checkCron(cron: string, timezone: string): CronCheck {
  if (!isTimeZone(timezone)) return { ok: false, field: "timezone", message: `"${timezone.slice(0, 64)}" is not a time zone; pick one such as UTC or Europe/Madrid.` };
  const text = cron.trim();
  if (!text) return { ok: false, field: "cron", message: "Enter a cron expression, such as 0 3 * * * (every day at 03:00)." };
  if (text.length > CRON_MAX_LENGTH) return { ok: false, field: "cron", message: `A cron expression has at most ${CRON_MAX_LENGTH} characters.` };
  const fields = text.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return { ok: false, field: "cron", message: `A cron expression has 5 fields (minute hour day month weekday) or 6 (seconds first); this one has ${fields}.` };
  }
  try {
    const expr = parse(text, timezone, new Date());
    expr.next();
    return { ok: true };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, field: "cron", message: `"${text}" is not a valid cron expression: ${why.charAt(0).toLowerCase()}${why.slice(1)}.` };
  }
}

/** The next `count` due times strictly after `from`. */
export function nextTimes(cron: string, timezone: string, count: number, from = new Date()): Date[] {
  const expr = parse(cron.trim(), timezone, from);
  const out: Date[] = [];
  for (let i = 0; i < count && expr.hasNext(); i++) out.push(expr.next().toDate());
  return out;
}

/**
 * Due times in (after, until], oldest first, at most `limit` (the newest ones when there are
 * more): what a sweep compares with the recorded firings.
 */
export function dueTimesBetween(cron: string, timezone: string, after: Date, until: Date, limit = 100): Date[] {
  const expr = parse(cron.trim(), timezone, until);
  const out: Date[] = [];
  // Walking backwards from `until` keeps the cost bounded by `limit` however long the gap.
  if (isDueAt(cron, timezone, until) && until > after) out.push(until);
  while (out.length < limit && expr.hasPrev()) {
    const t = expr.prev().toDate();
    if (t <= after) break;
    out.push(t);
  }
  return out.reverse();
}

// Answers of isDueAt, by expression, zone and time: at a busy minute many schedules share an
// expression ("0 3 * * *") and its due time, and parsing it is most of a firing's cron cost.
const dueAnswers = new Map<string, boolean>();
const DUE_ANSWERS_MAX = 2_000;

/** Whether `at` is one of the expression's due times (a stale job of an edited schedule is not). */
export function isDueAt(cron: string, timezone: string, at: Date): boolean {
  const key = `${at.getTime()}|${timezone}|${cron}`;
  const known = dueAnswers.get(key);
  if (known !== undefined) return known;
  let answer: boolean;
  try {
    const expr = parse(cron.trim(), timezone, new Date(at.getTime() - 1));
    answer = expr.next().toDate().getTime() === at.getTime();
  } catch {
    answer = false;
  }
  if (dueAnswers.size >= DUE_ANSWERS_MAX) dueAnswers.clear();
  dueAnswers.set(key, answer);
  return answer;
}

/** The expression's last due time at or before `until`, or null (an expression that never fires, or a bad one). */
export function lastDueAtOrBefore(cron: string, timezone: string, until: Date): Date | null {
  if (isDueAt(cron, timezone, until)) return until;
  try {
    const expr = parse(cron.trim(), timezone, until);
    return expr.hasPrev() ? expr.prev().toDate() : null;
  } catch {
    return null;
  }
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const two = (n: string) => n.padStart(2, "0");
const isNum = (s: string) => /^\d+$/.test(s);

function dayPart(dom: string, month: string, dow: string): string | null {
  if (month !== "*") return null;
  if (dom === "*" && (dow === "*" || dow === "?")) return "every day";
  if (dom === "*" && (dow === "1-5" || dow === "MON-FRI")) return "on weekdays";
  if (dom === "*" && (dow === "0,6" || dow === "6,0" || dow === "SAT,SUN")) return "on weekends";
  if (dom === "*" && isNum(dow) && Number(dow) <= 7) return `every ${WEEKDAYS[Number(dow) % 7]}`;
  if (isNum(dom) && dow === "*") return `on day ${dom} of every month`;
  return null;
}

/** The expression in words for the common shapes ("every day at 03:00"); null for the rest, which the page shows as written. */
export function describeCron(cron: string): string | null {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [sec = "", min = "", hour = "", dom = "", month = "", dow = ""] = parts.length === 6 ? parts : ["0", ...parts];
  const step = (f: string) => /^\*\/(\d+)$/.exec(f)?.[1];
  const rest = [hour, dom, month, dow].every((f) => f === "*");
  if (sec !== "0") {
    if (min === "*" && rest) {
      if (sec === "*") return "every second";
      const s = step(sec);
      if (s) return `every ${s} seconds`;
    }
    return null;
  }
  if (min === "*" && rest) return "every minute";
  const m = step(min);
  if (m && rest) return `every ${m} minutes`;
  if (isNum(min) && rest) return `every hour at minute ${min}`;
  const h = step(hour);
  if (isNum(min) && h && [dom, month, dow].every((f) => f === "*")) return `every ${h} hours at minute ${min}`;
  if (isNum(min) && isNum(hour)) {
    const days = dayPart(dom, month, dow);
    if (days) return `${days} at ${two(hour)}:${two(min)}`;
  }
  return null;
}
