/** Whether an HTTP status meets one of the expected terms: `200`, `2xx`, `200-299`. */
export function statusMatches(status: number, terms: readonly string[]): boolean {
  return terms.some((term) => {
    const t = term.toLowerCase();
    if (/^[1-5]xx$/.test(t)) return Math.floor(status / 100) === Number(t[0]);
    if (t.includes("-")) {
      const [lo, hi] = t.split("-").map(Number);
      return status >= lo! && status <= hi!;
    }
    return status === Number(t);
  });
}

/** `a op b` for the numeric comparisons of checks. */
export function compare(a: number, op: "==" | "!=" | "<" | "<=" | ">" | ">=", b: number): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
  }
}
