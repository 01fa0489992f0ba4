import type { SharedRun } from "@/lib/share";
import { formatRunDuration, runDurationMs } from "@/lib/runs/run-duration";
import { stateLabel, utc } from "./format";

const BAR_COLOURS: Record<string, string> = {
  SUCCEEDED: "#10b981",
  FAILED: "#ef4444",
  ROLLBACK_FAILED: "#ef4444",
  ROLLED_BACK: "#f59e0b",
  RUNNING: "#3b82f6",
};

/**
 * When the run was queued, started, ran each step and finished: the steps as bars on one time
 * axis (plain SVG), then the same events as a list that reads without the picture.
 */
export function Timeline({ run }: { run: SharedRun }) {
  // The axis is the run's duration (lib/runs/run-duration), the same figure as "Duration"
  // above; times in the list count from the run's start too.
  const start = (run.startedAt ?? run.queuedAt).getTime();
  const span = Math.max(1, runDurationMs(run) ?? Math.max(0, ...run.steps.map((s) => ((s.finishedAt ?? s.startedAt)?.getTime() ?? start) - start)));
  const offset = (at: Date) => {
    const ms = at.getTime() - start;
    return `${ms < 0 ? "−" : "+"}${formatRunDuration(Math.abs(ms))}`;
  };
  const steps = run.steps.filter((s) => s.startedAt);
  const rowH = 22;
  const width = 600;
  const events: { at: Date; what: string }[] = [
    { at: run.queuedAt, what: "queued" },
    ...(run.startedAt ? [{ at: run.startedAt, what: "started" }] : []),
    ...run.steps.flatMap((s) => [
      ...(s.startedAt ? [{ at: s.startedAt, what: `step ${s.index + 1} started: ${s.name}` }] : []),
      ...(s.finishedAt ? [{ at: s.finishedAt, what: `step ${s.index + 1} ${stateLabel(s.state)}` }] : []),
    ]),
    ...(run.finishedAt ? [{ at: run.finishedAt, what: `finished: ${stateLabel(run.state)}` }] : []),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

  return (
    <div className="space-y-4">
      {steps.length > 0 ? (
        <figure>
          <svg
            role="img"
            aria-label={`Steps over ${formatRunDuration(span)}`}
            viewBox={`0 0 ${width} ${steps.length * rowH + 6}`}
            className="w-full"
          >
            {steps.map((s, i) => {
              const x0 = ((s.startedAt!.getTime() - start) / span) * width;
              const x1 = (((s.finishedAt ?? s.startedAt)!.getTime() - start) / span) * width;
              return (
                <g key={s.index}>
                  <title>{`${s.name}: ${stateLabel(s.state)}`}</title>
                  <rect
                    x={x0}
                    y={i * rowH + 4}
                    width={Math.max(3, x1 - x0)}
                    height={rowH - 8}
                    rx={3}
                    fill={BAR_COLOURS[s.state] ?? "#94a3b8"}
                  />
                </g>
              );
            })}
            <line
              x1={0}
              x2={width}
              y1={steps.length * rowH + 4}
              y2={steps.length * rowH + 4}
              className="stroke-slate-200"
            />
          </svg>
          {/* The axis in HTML: SVG text would shrink with the drawing on a phone. */}
          <figcaption aria-hidden className="mt-1 flex justify-between text-xs text-slate-600">
            <span>0</span>
            <span>{formatRunDuration(span)}</span>
          </figcaption>
        </figure>
      ) : null}
      <ol className="space-y-1 text-sm">
        {events.map((e, i) => (
          <li key={i} className="flex gap-3">
            <span className="w-20 shrink-0 text-right tabular-nums text-slate-500">
              {offset(e.at)}
            </span>
            <span className="text-slate-800" title={utc(e.at)}>
              {e.what}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
