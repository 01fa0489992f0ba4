"use client";

import { useActionState, useEffect, useState } from "react";
import type { ActionResult } from "@/lib/tenancy";
import { Alert, Button, ButtonLink, Card, FormField } from "@/app/_components/ui";
import { useSubmitKeepingFields } from "@/app/_components/use-submit-keeping-fields";
import { previewCron, saveSchedule, type PreviewResult } from "./actions";

export interface Choice {
  id: string;
  name: string;
}

export interface ScheduleFormValues {
  id?: string;
  kind: "experiment" | "action";
  experimentId: string;
  actionId: string;
  clusterId: string;
  params: string;
  cron: string;
  timezone: string;
  latePolicy: "run-late" | "skip";
}

const selectClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:ring-2 focus:ring-brand-500 dark:border-slate-600 dark:bg-slate-900";
const labelClass = "block text-sm font-medium text-slate-700 dark:text-slate-200";

function Select({ label, name, value, onChange, children, error }: { label: string; name: string; value: string; onChange: (v: string) => void; children: React.ReactNode; error?: string }) {
  const id = `field-${name}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)} className={selectClass} aria-invalid={error ? true : undefined}>
        {children}
      </select>
      {error ? <p className="text-xs text-red-700">{error}</p> : null}
    </div>
  );
}

const fmt = (iso: string, timeZone: string) => {
  try {
    return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone }).format(new Date(iso));
  } catch {
    return iso;
  }
};

/** Create or edit a schedule, with the next five times previewed as the expression is typed. */
export function ScheduleForm({
  slug,
  experiments,
  actions,
  clusters,
  zones,
  initial,
}: {
  slug: string;
  experiments: Choice[];
  actions: Choice[];
  clusters: Choice[];
  zones: string[];
  initial: ScheduleFormValues;
}) {
  const [state, formAction, pending] = useActionState<ActionResult | null, FormData>(saveSchedule, null);
  const onSubmit = useSubmitKeepingFields(formAction);
  const [v, setV] = useState<ScheduleFormValues>(initial);
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const set = (k: keyof ScheduleFormValues) => (value: string) => setV((old) => ({ ...old, [k]: value }));
  const err = (k: string) => (state && !state.ok ? state.fieldErrors?.[k]?.[0] : undefined);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      void previewCron(slug, v.cron, v.timezone).then((p) => live && setPreview(p));
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [slug, v.cron, v.timezone]);

  const cronError = err("cron") ?? (preview && !preview.ok && preview.field === "cron" && v.cron.trim() ? preview.message : undefined);
  const zoneError = err("timezone") ?? (preview && !preview.ok && preview.field === "timezone" ? preview.message : undefined);

  return (
    <form action={formAction} onSubmit={onSubmit} className="space-y-4">
      <input type="hidden" name="slug" value={slug} />
      {v.id ? <input type="hidden" name="id" value={v.id} /> : null}
      {state && !state.ok ? <Alert tone="red">{state.error}</Alert> : null}
      <Card>
        <fieldset className="space-y-3">
          <legend className={labelClass}>What to run</legend>
          <div className="flex flex-wrap gap-4 text-sm">
            {(["experiment", "action"] as const).map((k) => (
              <label key={k} className="flex items-center gap-2">
                <input type="radio" name="kind" value={k} checked={v.kind === k} onChange={() => set("kind")(k)} />
                {k === "experiment" ? "An experiment" : "One action"}
              </label>
            ))}
          </div>
          {v.kind === "experiment" ? (
            experiments.length ? (
              <Select label="Experiment" name="experimentId" value={v.experimentId} onChange={set("experimentId")} error={err("experimentId")}>
                <option value="">Choose an experiment</option>
                {experiments.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </Select>
            ) : (
              <p className="text-sm text-slate-600">This team has no experiment yet; schedule one action instead.</p>
            )
          ) : (
            <div className="grid gap-3 md:grid-cols-2">
              <Select label="Action" name="actionId" value={v.actionId} onChange={set("actionId")} error={err("actionId")}>
                <option value="">Choose an action</option>
                {actions.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </Select>
              <Select label="Cluster" name="clusterId" value={v.clusterId} onChange={set("clusterId")} error={err("clusterId")}>
                <option value="">Choose a cluster</option>
                {clusters.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </Select>
              <div className="space-y-1 md:col-span-2">
                <label htmlFor="field-params" className={labelClass}>
                  Parameters (JSON)
                </label>
                <textarea
                  id="field-params"
                  name="params"
                  rows={4}
                  value={v.params}
                  onChange={(e) => set("params")(e.target.value)}
                  spellCheck={false}
                  aria-invalid={err("params") ? true : undefined}
                  className={`block w-full rounded-md border bg-white px-3 py-2 font-mono text-sm shadow-sm dark:bg-slate-900 ${err("params") ? "border-red-400" : "border-slate-300 dark:border-slate-600"}`}
                />
                {err("params") ? <p className="text-xs text-red-700">{err("params")}</p> : <p className="text-xs text-slate-500">Checked against the action&apos;s parameters when you save.</p>}
              </div>
            </div>
          )}
        </fieldset>
      </Card>
      <Card>
        <div className="grid gap-3 md:grid-cols-2">
          <FormField
            label="Cron expression"
            name="cron"
            value={v.cron}
            onChange={(e) => set("cron")(e.target.value)}
            error={cronError}
            hint="minute hour day month weekday, e.g. 0 3 * * 1-5 (weekdays at 03:00)"
            autoComplete="off"
            spellCheck={false}
          />
          <Select label="Time zone" name="timezone" value={v.timezone} onChange={set("timezone")} error={zoneError}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </Select>
          <Select label="When a time is missed (no worker was running)" name="latePolicy" value={v.latePolicy} onChange={set("latePolicy")}>
            <option value="run-late">Run it late, once</option>
            <option value="skip">Skip it, and record why</option>
          </Select>
        </div>
        <section aria-label="Next times" className="mt-4 text-sm">
          <h3 className="font-medium text-slate-700 dark:text-slate-200">
            Next five times{preview?.ok && preview.description ? <span className="font-normal text-slate-500"> — {preview.description}</span> : null}
          </h3>
          {preview?.ok ? (
            <ol className="mt-1 list-decimal pl-5 text-slate-700 dark:text-slate-300">
              {preview.times.map((t) => (
                <li key={t}>
                  <time dateTime={t}>{fmt(t, v.timezone)}</time>
                </li>
              ))}
            </ol>
          ) : (
            <p className="mt-1 text-slate-500">{v.cron.trim() ? "Shown once the expression is valid." : "Type an expression to see when it fires."}</p>
          )}
        </section>
      </Card>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : v.id ? "Save changes" : "Create schedule"}
        </Button>
        <ButtonLink href={`/t/${slug}/schedules`} variant="ghost">
          Cancel
        </ButtonLink>
      </div>
    </form>
  );
}
