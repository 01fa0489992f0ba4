"use client";

import { useEffect, useRef } from "react";
import { useRouter } from "next/navigation";
// Only the parts drawn here, as check-chart.tsx does.
import { BarChart, LineChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import type { ComposeOption } from "echarts/core";
import type { BarSeriesOption, LineSeriesOption } from "echarts/charts";
import type { DataZoomComponentOption, GridComponentOption, TooltipComponentOption } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { ExecutionState } from "@/lib/db";
import { VERDICT_COLORS } from "@/lib/resilience/verdict-colors";

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, DataZoomComponent, SVGRenderer]);

type Option = ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption | TooltipComponentOption | DataZoomComponentOption>;

export interface HistoryPoint {
  id: string;
  at: number;
  state: ExecutionState;
  label: string;
  score: number | null;
  /** Seconds from start to verdict; null while running or when it never started. */
  seconds: number | null;
  version: number;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");

function optionFor(points: HistoryPoint[], dark: boolean): Option {
  const muted = dark ? "#94a3b8" : "#64748b";
  return {
    backgroundColor: "transparent",
    animation: false,
    grid: { left: 8, right: 8, top: 30, bottom: points.length > 20 ? 56 : 24, containLabel: true },
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (raw) => {
        const first = (Array.isArray(raw) ? raw[0] : raw) as { dataIndex: number } | undefined;
        const p = first ? points[first.dataIndex] : undefined;
        if (!p) return "";
        return `${when(p.at)} UTC · v${p.version}<br/><b style="color:${VERDICT_COLORS[p.state]}">${escape(p.label)}</b> · score ${p.score ?? "—"}<br/>took ${p.seconds === null ? "—" : `${p.seconds} s`}`;
      },
    },
    xAxis: { type: "category", data: points.map((p) => when(p.at).slice(5)), axisLabel: { color: muted, hideOverlap: true } },
    yAxis: [
      { type: "value", name: "score", min: 0, max: 100, nameTextStyle: { color: muted }, axisLabel: { color: muted } },
      { type: "value", name: "seconds", nameTextStyle: { color: muted }, axisLabel: { color: muted }, splitLine: { show: false } },
    ],
    dataZoom: points.length > 20 ? [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }] : [],
    series: [
      {
        type: "bar",
        name: "duration",
        yAxisIndex: 1,
        barMaxWidth: 18,
        itemStyle: { color: dark ? "rgba(148,163,184,0.28)" : "rgba(100,116,139,0.22)" },
        data: points.map((p) => p.seconds),
      },
      {
        type: "line",
        name: "score",
        yAxisIndex: 0,
        connectNulls: true,
        showSymbol: true,
        symbolSize: 11,
        lineStyle: { width: 2, color: dark ? "#60a5fa" : "#2563eb" },
        // Every execution has a dot in its verdict's colour; one without a score sits on the axis.
        data: points.map((p) => ({ value: p.score ?? 0, symbol: p.score === null ? "emptyCircle" : "circle", itemStyle: { color: VERDICT_COLORS[p.state], borderColor: VERDICT_COLORS[p.state] } })),
      },
    ],
  };
}

/**
 * An experiment's executions oldest to newest: the score as a line whose dots take their
 * verdict's colour, the duration as bars behind it. A dot or bar opens its execution.
 */
export function HistoryChart({ points, hrefBase }: { points: HistoryPoint[]; hrefBase: string }) {
  const el = useRef<HTMLDivElement>(null);
  const router = useRouter();
  const latest = useRef({ points, hrefBase, router });
  useEffect(() => {
    latest.current = { points, hrefBase, router };
  });

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const scheme = window.matchMedia("(prefers-color-scheme: dark)");
    let chart: echarts.ECharts | null = null;
    const draw = () => {
      chart?.dispose();
      chart = echarts.init(node, scheme.matches ? "dark" : undefined, { renderer: "svg" });
      chart.setOption(optionFor(latest.current.points, scheme.matches));
      chart.on("click", (e) => {
        const p = latest.current.points[e.dataIndex];
        if (p) latest.current.router.push(`${latest.current.hrefBase}/${p.id}`);
      });
    };
    draw();
    const resize = new ResizeObserver(() => chart?.resize());
    resize.observe(node);
    scheme.addEventListener("change", draw);
    return () => {
      scheme.removeEventListener("change", draw);
      resize.disconnect();
      chart?.dispose();
    };
  }, [points]);

  const scored = points.filter((p) => p.score !== null);
  return (
    <div ref={el} className="h-60 w-full" role="img" data-testid="history-chart" aria-label={`History of ${points.length} executions${scored.length ? `; last score ${scored.at(-1)!.score}` : ""}`} />
  );
}
