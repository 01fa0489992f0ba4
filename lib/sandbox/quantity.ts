const SUFFIX: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** Parse a Kubernetes quantity ("250m", "1Gi", "2") to a number of base units; invalid gives NaN. */
export function parseQuantity(q: unknown): number {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return NaN;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/.exec(q.trim());
  if (!m) return NaN;
  return Number(m[1]) * SUFFIX[m[2] ?? ""]!;
}

export const cpuMilli = (q: unknown) => {
  const v = parseQuantity(q);
  return Number.isFinite(v) ? Math.round(v * 1000) : 0;
};
export const bytes = (q: unknown) => {
  const v = parseQuantity(q);
  return Number.isFinite(v) ? Math.round(v) : 0;
};
export const fmtMilli = (m: number) => `${Math.max(0, Math.round(m))}m`;
export const fmtKi = (b: number) => `${Math.max(0, Math.round(b / 1024))}Ki`;
