"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { Alert, Button, Card } from "@/app/_components/ui";
import { importExperimentAction, type ImportState } from "./actions";

const OUTCOME = {
  created: "would be created at version 1",
  updated: "would get a new version",
  unchanged: "is unchanged: the file says what its current version says, so no new version is made",
} as const;

/**
 * Import an experiment file (upload or paste): preview what applying it does (created, a new
 * version, or nothing) with the lines it changes, then apply it.
 */
export function ImportForm({ slug, clusters }: { slug: string; clusters: { id: string; name: string }[] }) {
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [state, action, busy] = useActionState<ImportState | null, FormData>(importExperimentAction, null);

  const onFile = async (file: File | undefined) => {
    setReadError(null);
    if (!file) return;
    if (file.size > 256 * 1024) {
      setReadError(`${file.name} is larger than 256 KiB; an experiment file is far smaller.`);
      return;
    }
    setFileName(file.name);
    setText(await file.text());
  };

  const result = state?.ok ? state.data : null;
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="slug" value={slug} />
      <Card title="The file">
        <div className="space-y-3">
          <div>
            <label htmlFor="import-upload" className="block text-sm font-medium text-slate-700">
              Upload a YAML or JSON file
            </label>
            <input
              id="import-upload"
              type="file"
              accept=".yaml,.yml,.json,application/yaml,application/json,text/yaml"
              onChange={(e) => void onFile(e.target.files?.[0])}
              className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium file:text-slate-800"
            />
            {readError ? <p className="mt-1 text-xs text-red-700">{readError}</p> : null}
          </div>
          <div>
            <label htmlFor="import-text" className="block text-sm font-medium text-slate-700">
              {fileName ? `${fileName} (you can edit it here)` : "Or paste it"}
            </label>
            <textarea
              id="import-text"
              name="file"
              rows={18}
              value={text}
              onChange={(e) => setText(e.target.value)}
              spellCheck={false}
              wrap="off"
              placeholder={"apiVersion: pystol.io/v1\nkind: Experiment\nmetadata:\n  name: checkout survives a cart pod loss\n  cluster: shop\nspec:\n  stages: …\n  checks: …"}
              className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs shadow-sm outline-none focus:ring-2 focus:ring-brand-500"
            />
          </div>
          <div className="max-w-sm">
            <label htmlFor="import-cluster" className="block text-sm font-medium text-slate-700">
              Cluster, when the file names none
            </label>
            <select id="import-cluster" name="clusterId" defaultValue={clusters[0]?.id} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
              {clusters.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <p className="mt-1 text-xs text-slate-500">Used to create a new experiment whose file has no metadata.cluster; an update keeps its cluster.</p>
          </div>
        </div>
      </Card>

      {state && !state.ok ? (
        <Alert>
          <p>{state.error}</p>
          {state.problems?.length ? (
            <ul className="mt-1 list-disc space-y-0.5 pl-5" data-testid="import-problems">
              {state.problems.map((p, i) => (
                <li key={i}>
                  <span className="font-medium">
                    {p.line !== undefined ? `Line ${p.line}, column ${p.column}` : "The file"}
                    {p.where ? ` (${p.where})` : ""}:
                  </span>{" "}
                  {p.message}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}

      {result ? (
        <Card title={result.outcome === "unchanged" ? "Nothing to change" : "Preview"}>
          <p className="text-sm" data-testid="import-outcome">
            {result.outcome === "unchanged" && result.experimentId ? (
              <>
                <Link href={`/t/${slug}/experiments/${result.experimentId}`} className="font-medium text-brand-700 hover:underline">
                  {result.name}
                </Link>{" "}
                {OUTCOME.unchanged} (version {result.version}).
              </>
            ) : (
              <>
                {result.outcome === "created" ? "A new experiment" : <span className="font-medium">{result.name}</span>} {OUTCOME[result.outcome]}. Nothing is saved until you apply it.
              </>
            )}
          </p>
          {result.outcome !== "unchanged" ? (
            <pre className="mt-3 max-h-96 overflow-auto rounded-md border border-slate-200 bg-white font-mono text-xs leading-5" data-testid="import-diff">
              <div className="min-w-max">
              {result.diff.map((l, i) => (
                <div key={i} className={l.op === "add" ? "bg-emerald-50 text-emerald-900" : l.op === "remove" ? "bg-red-50 text-red-900" : "text-slate-700"}>
                  {l.op === "add" ? "+ " : l.op === "remove" ? "− " : "  "}
                  {l.text}
                </div>
              ))}
              </div>
            </pre>
          ) : null}
        </Card>
      ) : null}

      <div className="flex flex-wrap gap-2">
        <Button type="submit" name="preview" value="yes" variant="secondary" disabled={busy || !text.trim()}>
          {busy ? "Reading…" : "Preview"}
        </Button>
        <Button type="submit" name="preview" value="no" disabled={busy || !text.trim()}>
          Apply
        </Button>
      </div>
      <p className="text-xs text-slate-500">
        Applying creates the experiment named in metadata.name, or saves a new version of it when the file differs. It does not run it. From a terminal or CI:{" "}
        <code className="rounded bg-slate-100 px-1">pystol experiments apply -f experiment.yaml</code>.
      </p>
    </form>
  );
}
