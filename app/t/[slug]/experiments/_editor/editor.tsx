"use client";

import { useActionState, useMemo, useState } from "react";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { Alert, Button, Card } from "@/app/_components/ui";
import type { ActionChoice, ClusterChoice } from "../../run/run-form";
import { dryRunExperimentAction, saveExperimentAction, type DryRunState, type SaveState } from "../actions";
import { fromDefinition, newDraft, toDefinition, type Draft, type FieldsByAction } from "./draft";
import { ChecksEditor } from "./checks-editor";
import { DryRunView } from "./dry-run-view";
import { ErrorsContext, Field, inputClass, SelectField, TextField } from "./fields";
import { StagesEditor } from "./stages-editor";
import { whereOf } from "@/lib/experiments/where";

export interface EditorInitial {
  experimentId?: string;
  version?: number;
  name: string;
  clusterId: string;
  /** The saved definition; absent for a new experiment. */
  definition?: unknown;
}

/**
 * The experiment editor: name, cluster and the definition, as a form or as YAML (the same
 * data, validated the same way on the server). Dry run plans every fault and evaluates every
 * check once; Save writes a new version. A refused save keeps everything typed and marks
 * each field it refuses.
 */
export function ExperimentEditor({ slug, clusters, actions, initial }: { slug: string; clusters: ClusterChoice[]; actions: ActionChoice[]; initial: EditorInitial }) {
  const fields: FieldsByAction = useMemo(() => Object.fromEntries(actions.map((a) => [a.id, a.fields])), [actions]);
  const [name, setName] = useState(initial.name);
  const [clusterId, setClusterId] = useState(initial.clusterId);
  const [draft, setDraft] = useState<Draft>(() => (initial.definition ? fromDefinition(initial.definition, fields) : newDraft(actions[0]!.id, fields)));
  const [tab, setTab] = useState<"form" | "yaml">("form");
  const [yamlText, setYamlText] = useState("");
  const [yamlError, setYamlError] = useState<string | null>(null);
  const [saved, saveAction, saving] = useActionState<SaveState | null, FormData>(saveExperimentAction, null);
  const [dry, dryRunAction, planning] = useActionState<DryRunState | null, FormData>(dryRunExperimentAction, null);
  // The newest answer decides which errors are shown: a dry run after a refused save shows its own.
  const [latest, setLatest] = useState<"save" | "dry" | null>(null);
  const [seen, setSeen] = useState({ saved, dry });
  if (seen.saved !== saved || seen.dry !== dry) {
    setLatest(seen.saved !== saved ? "save" : "dry");
    setSeen({ saved, dry });
  }
  const answer = latest === "save" ? saved : latest === "dry" ? dry : null;
  const failed = answer && !answer.ok ? answer : null;
  const errors = failed?.fieldErrors ?? {};

  const definition: { json: string } | { error: string } = (() => {
    if (tab === "form") return { json: JSON.stringify(toDefinition(draft, fields)) };
    try {
      return { json: JSON.stringify(parseYaml(yamlText) ?? {}) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  })();

  const showYaml = () => {
    setYamlText(toYaml(toDefinition(draft, fields)));
    setYamlError(null);
    setTab("yaml");
  };
  const showForm = () => {
    try {
      setDraft(fromDefinition(parseYaml(yamlText) ?? {}, fields));
      setYamlError(null);
      setTab("form");
    } catch (err) {
      setYamlError(`The YAML does not read: ${err instanceof Error ? err.message : String(err)} Fix it to go back to the form.`);
    }
  };
  const busy = saving || planning;
  const listed = Object.entries(errors).filter(([, m]) => m && m.length > 0);

  return (
    <ErrorsContext.Provider value={errors}>
      <form action={saveAction} className="space-y-4" noValidate>
        <input type="hidden" name="slug" value={slug} />
        {initial.experimentId ? <input type="hidden" name="experimentId" value={initial.experimentId} /> : null}
        {initial.version ? <input type="hidden" name="expectedVersion" value={initial.version} /> : null}
        <input type="hidden" name="name" value={name} />
        <input type="hidden" name="clusterId" value={clusterId} />
        <input type="hidden" name="definition" value={"json" in definition ? definition.json : ""} />

        <Card title="Experiment">
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField id="exp-name" path="name" label="Name" value={name} onChange={setName} placeholder="checkout survives a cart pod loss" />
            <SelectField
              id="exp-cluster"
              path="clusterId"
              label="Cluster"
              value={clusterId}
              onChange={setClusterId}
              options={clusters.map((c) => ({ value: c.id, label: c.status === "CONNECTED" ? c.name : `${c.name} (${c.status.toLowerCase()})` }))}
            />
          </div>
        </Card>

        <div role="tablist" aria-label="Edit the definition as" className="flex gap-1 border-b border-slate-200">
          {(["form", "yaml"] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              onClick={() => (t === tab ? null : t === "yaml" ? showYaml() : showForm())}
              className={`-mb-px border-b-2 px-3 py-2 text-sm ${tab === t ? "border-brand-600 font-medium text-brand-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
            >
              {t === "form" ? "Form" : "YAML"}
            </button>
          ))}
        </div>

        {tab === "form" ? (
          <>
            <Card title="What it tests">
              <div className="grid gap-4 sm:grid-cols-2">
                <Field id="exp-description" label="Description" error={errors.description?.[0]} hint="The hypothesis, in a sentence: what should stay true while what fails." wide>
                  <textarea id="exp-description" rows={2} value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} className={inputClass(!!errors.description)} />
                </Field>
                <TextField
                  id="exp-recovery"
                  path="recoveryWindowSeconds"
                  label="Recovery window (seconds)"
                  numeric
                  placeholder="60"
                  hint="After-checks must pass within this after the last fault ended and was rolled back."
                  value={draft.recoveryWindowSeconds}
                  onChange={(recoveryWindowSeconds) => setDraft({ ...draft, recoveryWindowSeconds })}
                />
                <TextField
                  id="exp-max"
                  path="maxDurationSeconds"
                  label="Maximum duration (seconds)"
                  numeric
                  placeholder="1800"
                  hint="Past this the experiment is stopped and every fault rolled back."
                  value={draft.maxDurationSeconds}
                  onChange={(maxDurationSeconds) => setDraft({ ...draft, maxDurationSeconds })}
                />
              </div>
            </Card>
            <Card title="Stages">
              <StagesEditor stages={draft.stages} onChange={(stages) => setDraft({ ...draft, stages })} actions={actions} fields={fields} />
            </Card>
            <Card title="Checks (the steady state)">
              <ChecksEditor checks={draft.checks} onChange={(checks) => setDraft({ ...draft, checks })} />
            </Card>
          </>
        ) : (
          <Card title="Definition (YAML)">
            <label htmlFor="exp-yaml" className="mb-2 block text-sm text-slate-600">
              The same definition as the form: description, stages, checks, recoveryWindowSeconds, maxDurationSeconds. It is validated as the form is when you dry-run or save.
            </label>
            <textarea
              id="exp-yaml"
              rows={28}
              value={yamlText}
              onChange={(e) => setYamlText(e.target.value)}
              spellCheck={false}
              className={`${inputClass("error" in definition || !!yamlError)} font-mono text-xs`}
            />
            {yamlError ?? ("error" in definition ? definition.error : null) ? (
              <p className="mt-2 text-xs text-red-700">{yamlError ?? ("error" in definition ? `The YAML does not read: ${definition.error}` : null)}</p>
            ) : null}
          </Card>
        )}

        {failed ? (
          <Alert>
            <p>{failed.error}</p>
            {listed.length > 1 || (listed.length === 1 && tab === "yaml") ? (
              <ul className="mt-1 list-disc space-y-0.5 pl-5" data-testid="field-errors">
                {listed.map(([path, messages]) => (
                  <li key={path}>
                    <span className="font-medium">{whereOf(path)}:</span> {messages![0]}
                  </li>
                ))}
              </ul>
            ) : null}
          </Alert>
        ) : null}

        {latest === "dry" && dry?.ok && dry.data ? <DryRunView plan={dry.data} /> : null}

        <div className="flex flex-wrap gap-2">
          <Button type="submit" formAction={dryRunAction} variant="secondary" disabled={busy || "error" in definition}>
            {planning ? "Planning…" : "Dry run"}
          </Button>
          <Button type="submit" disabled={busy || "error" in definition}>
            {saving ? "Saving…" : initial.experimentId ? "Save a new version" : "Save"}
          </Button>
        </div>
        <p className="text-xs text-slate-500">A dry run changes nothing in the cluster. Saving does not run the experiment; you start it from its page.</p>
      </form>
    </ErrorsContext.Provider>
  );
}
