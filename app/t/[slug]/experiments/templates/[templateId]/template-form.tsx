"use client";

import { useActionState } from "react";
import type { TemplateField } from "@/lib/experiments/templates";
import type { ActionResult } from "@/lib/tenancy";
import { Alert, Button } from "@/app/_components/ui";
import { Field, inputClass } from "../../_editor/fields";
import { createFromTemplateAction } from "../actions";

/**
 * The template's parameters as a form: the experiment's name and cluster, then each parameter
 * with its default (or the value a detected risk's link filled in). Creating it saves the
 * experiment and opens its page.
 */
export function TemplateForm({
  slug,
  templateId,
  clusters,
  fields,
  initial,
}: {
  slug: string;
  templateId: string;
  clusters: { id: string; name: string }[];
  fields: TemplateField[];
  initial: Record<string, string>;
}) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(createFromTemplateAction, null);
  const values = state && !state.ok && state.values ? state.values : initial;
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  const err = (k: string) => errors[k]?.[0];
  const control = (name: string, extra = "") => ({ id: `tf-${name}`, name, "aria-invalid": err(name) ? true : undefined, "aria-describedby": err(name) ? `tf-${name}-error` : undefined, className: `${inputClass(!!err(name))} ${extra}` });
  return (
    // key: a refused form is drawn again with the values it sent.
    <form key={JSON.stringify(values)} action={action} className="space-y-5" noValidate>
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="templateId" value={templateId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="tf-name" label="Experiment name" error={err("name")}>
          <input {...control("name")} defaultValue={values.name ?? ""} autoComplete="off" />
        </Field>
        <Field id="tf-clusterId" label="Cluster" error={err("clusterId")}>
          <select {...control("clusterId")} defaultValue={values.clusterId ?? clusters[0]?.id}>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-700">Parameters</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          {fields.map((f) => {
            const name = `p.${f.key}`;
            return (
              <Field key={f.key} id={`tf-${name}`} label={f.label} error={err(name)} hint={f.kind === "number" && f.min !== undefined && f.max !== undefined ? `${f.min} to ${f.max}` : undefined}>
                {f.kind === "choice" ? (
                  <select {...control(name)} defaultValue={values[name] ?? f.defaultValue}>
                    {(f.choices ?? []).map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                ) : (
                  <input {...control(name)} inputMode={f.kind === "number" ? "numeric" : undefined} defaultValue={values[name] ?? f.defaultValue} autoComplete="off" spellCheck={false} />
                )}
              </Field>
            );
          })}
        </div>
      </fieldset>
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create experiment"}
        </Button>
      </div>
    </form>
  );
}
