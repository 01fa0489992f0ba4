"use client";

import { useEffect, useRef } from "react";
// Only the parts drawn here, so the page carries a fraction of ECharts.
import { LineChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import type { ComposeOption } from "echarts/core";
import type { LineSeriesOption } from "echarts/charts";
import type { DataZoomComponentOption, GridComponentOption, MarkAreaComponentOption, MarkLineComponentOption, TooltipComponentOption } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([LineChart, GridComponent, TooltipComponent, DataZoomComponent, MarkLineComponent, MarkAreaComponent, SVGRenderer]);

type Option = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption | DataZoomComponentOption | MarkLineComponentOption | MarkAreaComponentOption>;

export interface ChartSample {
  at: number;
  value: number | null;
  outcome: "pass" | "fail" | "error";
  phase: string;
  observed: string;
}

export interface CheckChartProps {
  name: string;
  samples: ChartSample[];
  threshold: { value: number; op: string; unit: string } | null;
  /** When its stop condition tripped. */
  trippedAt: number | null;
  /** When faults were active: shaded. */
  faults: { from: number; to: number | null } | null;
  /** The execution's own time (start → end, or now while it runs): every check's chart spans it, so one sample is a point in it rather than a chart of days. */
  span: { from: number; to: number | null };
}

const OUTCOME_COLORS = { pass: "#10b981", fail: "#dc2626", error: "#d97706" };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const clock = (t: number) => new Date(t).toISOString().slice(11, 19);

function optionFor(p: CheckChartProps, dark: boolean): Option {
  const unit = p.threshold?.unit ?? "";
  const threshold = p.threshold?.value ?? null;
  const muted = dark ? "#94a3b8" : "#64748b";
  const lastAt = p.samples.at(-1)?.at ?? Date.now();
  return {
    backgroundColor: "transparent",
    animation: false,
    grid: { left: 8, right: 16, top: 28, bottom: 56, containLabel: true },
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (raw) => {
        const first = (Array.isArray(raw) ? raw[0] : raw) as { dataIndex: number } | undefined;
        const s = first ? p.samples[first.dataIndex] : undefined;
        if (!s) return "";
        const value = s.value === null ? "no value" : `${s.value}${unit ? ` ${unit}` : ""}`;
        return `${clock(s.at)} UTC · ${s.phase}<br/><b>${escape(value)}</b> · ${s.outcome}<br/>${escape(s.observed)}`;
      },
    },
    xAxis: {
      type: "time",
      min: Math.min(p.span.from, p.samples[0]?.at ?? p.span.from),
      max: Math.max(p.span.to ?? lastAt, lastAt),
      axisLabel: { color: muted, hideOverlap: true },
    },
    yAxis: {
      type: "value",
      name: unit,
      nameTextStyle: { color: muted },
      axisLabel: { color: muted },
      scale: true,
      // The threshold stays in view even when every value is far on the healthy side of it.
      ...(threshold !== null ? { min: (e: { min: number }) => Math.min(e.min, threshold), max: (e: { max: number }) => Math.max(e.max, threshold) } : {}),
    },
    dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
    series: [
      {
        type: "line",
        name: p.name,
        showSymbol: true,
        symbolSize: 6,
        connectNulls: false,
        lineStyle: { width: 2, color: dark ? "#60a5fa" : "#2563eb" },
        data: p.samples.map((s) => ({ value: [s.at, s.value], itemStyle: { color: OUTCOME_COLORS[s.outcome] } })),
        markLine: {
          silent: true,
          symbol: "none",
          data: [
            ...(p.threshold ? [{ yAxis: p.threshold.value, name: "threshold", lineStyle: { type: "dashed" as const, color: "#dc2626" }, label: { formatter: `healthy ${p.threshold.op} ${p.threshold.value}${unit ? ` ${unit}` : ""}`, position: "insideEndTop" as const, color: muted } }] : []),
            ...(p.trippedAt ? [{ xAxis: p.trippedAt, name: "tripped", lineStyle: { type: "solid" as const, color: "#dc2626", width: 2 }, label: { formatter: "stopped here", color: "#dc2626" } }] : []),
          ],
        },
        markArea: p.faults
          ? { silent: true, itemStyle: { color: dark ? "rgba(245,158,11,0.12)" : "rgba(245,158,11,0.10)" }, label: { color: muted, position: "insideTopLeft" }, data: [[{ name: "faults active", xAxis: p.faults.from }, { xAxis: p.faults.to ?? lastAt }]] }
          : undefined,
      },
    ],
  };
}

/**
 * One check's values over time: the threshold line, the faults' window shaded, a marker where
 * its stop condition tripped; tooltips and zoom. Drawn as SVG (no eval, nothing the CSP
 * refuses) and redrawn in the dark theme when the system's colour scheme changes.
 */
export function CheckChart(props: CheckChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const scheme = window.matchMedia("(prefers-color-scheme: dark)");
    const draw = () => {
      chart.current?.dispose();
      chart.current = echarts.init(node, scheme.matches ? "dark" : undefined, { renderer: "svg" });
      chart.current.setOption(optionFor(latest.current, scheme.matches));
    };
    draw();
    const resize = new ResizeObserver(() => chart.current?.resize());
    resize.observe(node);
    scheme.addEventListener("change", draw);
    return () => {
      scheme.removeEventListener("change", draw);
      resize.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    latest.current = props;
    chart.current?.setOption(optionFor(props, window.matchMedia("(prefers-color-scheme: dark)").matches), { notMerge: true });
  }, [props]);

  const last = props.samples.at(-1);
  return (
    <figure>
      <div ref={el} className="h-56 w-full" role="img" aria-label={`${props.name}: ${props.samples.length} values${last ? `, last ${last.value ?? "none"} (${last.outcome})` : ""}`} data-testid="check-chart" />
    </figure>
  );
}
