import type { Json } from "./types";
import type { ProbeLine } from "./probe-pod";

export interface MatrixCell {
  reachable: boolean;
  /** Share of rounds that got no answer, 0..1. */
  loss: number;
  /** Mean round-trip time over the rounds that answered. */
  rttMs: number | null;
  [key: string]: Json;
}

/**
 * Folds probe lines into a matrix: rows are source nodes, columns are the nodes and hosts
 * probed; `columnOf` maps a probed address (a node IP) back to its column name.
 */
export function buildMatrix(byNode: Map<string, ProbeLine[]>, columns: string[], columnOf: (target: string) => string, rounds: number) {
  const cells: Record<string, Record<string, MatrixCell | null>> = {};
  for (const [from, lines] of byNode) {
    const row: Record<string, MatrixCell | null> = {};
    for (const col of columns) {
      const mine = lines.filter((l) => columnOf(l.target) === col);
      if (col === from || mine.length === 0) {
        row[col] = null;
        continue;
      }
      const ok = mine.filter((l) => l.reachable);
      const rtts = ok.map((l) => l.rttMs).filter((v): v is number => v !== null);
      row[col] = {
        reachable: ok.length > 0,
        loss: Number((1 - ok.length / Math.max(rounds, mine.length)).toFixed(3)),
        rttMs: rtts.length ? Number((rtts.reduce((a, b) => a + b, 0) / rtts.length).toFixed(3)) : null,
      };
    }
    cells[from] = row;
  }
  return { rows: [...byNode.keys()], columns, cells };
}
