import { describe, expect, it } from "vitest";
import { formatRunDuration, runDurationMs } from "./run-duration";

describe("run duration", () => {
  const startedAt = new Date("2026-12-07T10:00:00.000Z");

  it("runs from the start to the end, without the time in the queue", () => {
    expect(runDurationMs({ startedAt, finishedAt: new Date("2026-12-07T10:00:12.450Z") })).toBe(12_450);
  });

  it("runs to now while the run is going, so it ticks", () => {
    const now = startedAt.getTime() + 61_000;
    expect(runDurationMs({ startedAt, finishedAt: null }, now)).toBe(61_000);
    expect(runDurationMs({ startedAt, finishedAt: null }, now + 1_000)).toBe(62_000);
  });

  it("is none for a run that never started", () => {
    expect(runDurationMs({ startedAt: null, finishedAt: new Date() })).toBeNull();
    expect(formatRunDuration(null)).toBe("—");
  });

  it("reads the same way in every unit", () => {
    expect(formatRunDuration(850)).toBe("850 ms");
    expect(formatRunDuration(12_450)).toBe("12.4 s");
    expect(formatRunDuration(185_000)).toBe("3 min 05 s");
    expect(formatRunDuration(7_440_000)).toBe("2 h 04 min");
  });
});
