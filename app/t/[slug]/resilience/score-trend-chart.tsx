"use client";

import { useEffect, useRef } from "react";
import { useRouter } from "next/navigation";
import { LineChart, ScatterChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import type { ComposeOption } from "echarts/core";
import type { LineSeriesOption, ScatterSeriesOption } from "echarts/charts";
import type { GridComponentOption, TooltipComponentOption } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { DailyScore, TrendPoint } from "@/lib/resilience";
import { VERDICT_COLORS } from "@/lib/resilience/verdict-colors";

echarts.use([LineChart, ScatterChart, GridComponent, TooltipComponent, SVGRenderer]);

type Option = ComposeOption<LineSeriesOption | ScatterSeriesOption | GridComponentOption | TooltipComponentOption>;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const dayStart = (day: string) => Date.parse(`${day}T12:00:00Z`);

function optionFor(points: TrendPoint[], daily: DailyScore[], dark: boolean): Option {
  const muted = dark ? "#94a3b8" : "#64748b";
  return {
    backgroundColor: "transparent",
    animation: false,
    grid: { left: 8, right: 12, top: 24, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "item",
      confine: true,
      formatter: (raw) => {
        const item = raw as { seriesIndex: number; dataIndex: number };
        if (item.seriesIndex === 0) {
          const d = daily[item.dataIndex];
          return d ? `${d.day}<br/>mean score <b>${d.mean}</b> of ${d.executions} execution${d.executions === 1 ? "" : "s"}` : "";
        }
        const p = points[item.dataIndex];
        return p ? `${new Date(p.at).toISOString().slice(0, 16).replace("T", " ")} UTC<br/><b>${escape(p.experiment)}</b>: score ${p.score}` : "";
      },
    },
    // Days, not hours: the trend is read per day.
    xAxis: { type: "time", minInterval: 86_400_000, axisLabel: { color: muted, hideOverlap: true, formatter: "{MM}-{dd}" } },
    yAxis: { type: "value", min: 0, max: 100, name: "score", nameTextStyle: { color: muted }, axisLabel: { color: muted } },
    series: [
      { type: "line", name: "daily mean", data: daily.map((d) => [dayStart(d.day), d.mean]), showSymbol: daily.length < 40, symbolSize: 5, lineStyle: { width: 2, color: dark ? "#60a5fa" : "#2563eb" }, itemStyle: { color: dark ? "#60a5fa" : "#2563eb" } },
      { type: "scatter", name: "executions", symbolSize: 8, data: points.map((p) => ({ value: [p.at, p.score], itemStyle: { color: VERDICT_COLORS[p.state], opacity: 0.8 } })) },
    ],
  };
}

/** The team's score over time: each execution a dot in its verdict's colour, the daily mean a line; a dot opens its execution. */
export function ScoreTrendChart({ points, daily, slug }: { points: TrendPoint[]; daily: DailyScore[]; slug: string }) {
  const el = useRef<HTMLDivElement>(null);
  const router = useRouter();
  const latest = useRef({ points, daily, router, slug });
  useEffect(() => {
    latest.current = { points, daily, router, slug };
  });

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const scheme = window.matchMedia("(prefers-color-scheme: dark)");
    let chart: echarts.ECharts | null = null;
    const draw = () => {
      chart?.dispose();
      chart = echarts.init(node, scheme.matches ? "dark" : undefined, { renderer: "svg" });
      chart.setOption(optionFor(latest.current.points, latest.current.daily, scheme.matches));
      chart.on("click", (e) => {
        const p = e.seriesIndex === 1 ? latest.current.points[e.dataIndex] : undefined;
        if (p) latest.current.router.push(`/t/${latest.current.slug}/experiments/${p.experimentId}/executions/${p.executionId}`);
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
  }, [points, daily]);

  const last = daily.at(-1);
  return <div ref={el} className="h-64 w-full" role="img" data-testid="score-trend" aria-label={`Score over time: ${points.length} executions${last ? `; mean on ${last.day}: ${last.mean}` : ""}`} />;
}
