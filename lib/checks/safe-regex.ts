import v8 from "node:v8";

// Body patterns run on every evaluation against text a service sends, so a pattern with
// catastrophic backtracking ((a+)+$, .*.*.*x) would stall the process. Rather than a second
// engine (re2 is a native module) or a worker to kill a runaway match, patterns are compiled with
// V8's own linear-time engine (the `l` flag, enabled below): its matching time grows with the
// text's length only, whatever the pattern. It refuses what it cannot run in linear time
// (backreferences, lookaround, large counted repeats), and those patterns are refused at
// validation with that sentence. The text searched is bounded too (MAX_MATCHED_BYTES).
v8.setFlagsFromString("--enable-experimental-regexp-engine");

/** Bytes of a body a pattern is run on; the rest is not searched. */
export const MAX_MATCHED_BYTES = 64 * 1024;

/** The pattern compiled for linear-time matching, or why it cannot be. */
export function compileBodyPattern(
  pattern: string,
): { ok: true; regex: RegExp } | { ok: false; reason: string } {
  try {
    new RegExp(pattern);
  } catch {
    return { ok: false, reason: "it is not a valid regular expression" };
  }
  try {
    return { ok: true, regex: new RegExp(pattern, "l") };
  } catch {
    return {
      ok: false,
      reason:
        "it cannot be matched in linear time (backreferences, lookahead, lookbehind and large counted repeats such as {1000} are not supported)",
    };
  }
}

/** Why a pattern is refused, as the end of a sentence; null when it is accepted. */
export function unsafeRegexReason(pattern: string): string | null {
  const r = compileBodyPattern(pattern);
  return r.ok ? null : r.reason;
}
