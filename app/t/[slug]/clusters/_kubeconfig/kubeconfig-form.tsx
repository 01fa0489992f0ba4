"use client";

import { useRef, useState, useTransition } from "react";
import { Alert, Button, FormField } from "@/app/_components/ui";
// The pure helper only: the lib/clusters index would bring the database into the browser bundle.
import { suggestClusterName } from "@/lib/clusters/schemas";
import { submitKubeconfig } from "../connect/actions";
import { ConnectionResult, Refusal } from "./connection-result";
import type { KubeconfigIntent, KubeconfigReply } from "./types";

const MAX_BYTES = 256 * 1024;

/**
 * Upload or paste a kubeconfig, choose a context, name the cluster, test, save. Used by the
 * Connect page (a new cluster) and by a cluster's settings (new credentials for `clusterId`).
 * The file stays in this form between steps: nothing the person chose or typed is lost.
 */
export function KubeconfigForm({ slug, clusterId }: { slug: string; clusterId?: string }) {
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState("");
  const [context, setContext] = useState("");
  const [name, setName] = useState("");
  const [nameTouched, setNameTouched] = useState(false);
  const [reply, setReply] = useState<KubeconfigReply | null>(null);
  const [pending, startTransition] = useTransition();
  const [busy, setBusy] = useState<KubeconfigIntent | null>(null);
  const inspectedText = useRef("");
  const fileInput = useRef<HTMLInputElement>(null);
  const rotating = clusterId !== undefined;

  function send(intent: KubeconfigIntent, over: { file?: File | null; context?: string } = {}) {
    const chosenFile = over.file !== undefined ? over.file : file;
    // Pasted text too: a form body over the server's limit would be refused before the action runs.
    const size = chosenFile ? chosenFile.size : new Blob([text]).size;
    if (size > MAX_BYTES) {
      setReply({ refusal: { rule: "too-large", path: "", message: `The ${chosenFile ? "file" : "pasted text"} is larger than 256 KiB; one cluster's kubeconfig is far smaller.` } });
      return;
    }
    const form = new FormData();
    form.set("slug", slug);
    form.set("intent", intent);
    if (clusterId) form.set("clusterId", clusterId);
    const ctx = over.context ?? context;
    if (ctx) form.set("context", ctx);
    form.set("name", name);
    if (chosenFile) form.set("file", chosenFile);
    else form.set("kubeconfig", text);
    setBusy(intent);
    startTransition(async () => {
      const answer = await submitKubeconfig(form);
      setBusy(null);
      setReply((prev) => (intent === "inspect" ? { ...answer } : { ...answer, contexts: answer.contexts ?? prev?.contexts }));
      const offered = answer.contexts ?? [];
      // A file with one context, or a current-context, needs no choice; keep a choice made.
      if (intent === "inspect") {
        const keep = offered.some((c) => c.name === ctx) ? ctx : "";
        setContext(keep || answer.currentContext || (offered.length === 1 ? offered[0]!.name : ""));
      }
      if (!nameTouched && answer.suggestedName) setName(answer.suggestedName);
    });
  }

  function onFile(list: FileList | null) {
    const chosen = list?.[0] ?? null;
    setFile(chosen);
    setReply(null);
    if (chosen) send("inspect", { file: chosen, context: "" });
  }

  function onTextBlur() {
    if (file || text.trim() === "" || text === inspectedText.current) return;
    inspectedText.current = text;
    send("inspect", { context: "" });
  }

  const contexts = reply?.contexts ?? [];
  const hasInput = file !== null || text.trim() !== "";
  return (
    <form
      className="space-y-5"
      onSubmit={(e) => {
        e.preventDefault();
        send("save");
      }}
    >
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-700">Kubeconfig</legend>
        <div className="flex flex-wrap items-center gap-3">
          <label className="text-sm text-slate-700" htmlFor="kubeconfig-file">
            Upload a kubeconfig file
          </label>
          <input
            ref={fileInput}
            id="kubeconfig-file"
            type="file"
            onChange={(e) => onFile(e.target.files)}
            className="text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-1.5 file:text-sm file:font-medium hover:file:bg-slate-200"
          />
          {file ? (
            <Button
              type="button"
              variant="ghost"
              onClick={() => {
                setFile(null);
                setReply(null);
                if (fileInput.current) fileInput.current.value = "";
              }}
            >
              Remove file
            </Button>
          ) : null}
        </div>
        {file ? null : (
          <div className="space-y-1">
            <label htmlFor="kubeconfig-text" className="block text-sm text-slate-700">
              …or paste it
            </label>
            <textarea
              id="kubeconfig-text"
              value={text}
              onChange={(e) => setText(e.target.value)}
              onBlur={onTextBlur}
              rows={8}
              spellCheck={false}
              autoComplete="off"
              placeholder={"apiVersion: v1\nkind: Config\nclusters: …"}
              className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs shadow-sm outline-none focus:ring-2 focus:ring-brand-500"
            />
          </div>
        )}
        <p className="text-xs text-slate-500">
          Accepted: bearer tokens, client certificates or basic auth, with inline data only. Credential plugins
          (exec, auth-provider), file paths and proxies are refused. The file is encrypted before it is stored
          and never shown again.
        </p>
      </fieldset>

      {reply?.refusal ? <Refusal refusal={reply.refusal} sandboxHint={!rotating} /> : null}

      {contexts.length > 1 ? (
        <div className="space-y-1">
          <label htmlFor="field-context" className="block text-sm font-medium text-slate-700">
            Context
          </label>
          <select
            id="field-context"
            value={context}
            onChange={(e) => {
              setContext(e.target.value);
              const picked = contexts.find((c) => c.name === e.target.value);
              if (picked && !nameTouched) setName(suggestClusterName(picked.name));
            }}
            className="block w-full max-w-md rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
            aria-invalid={reply?.fieldErrors?.context ? true : undefined}
          >
            <option value="">Choose a context…</option>
            {contexts.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} — {c.user}@{c.cluster} ({c.auth})
              </option>
            ))}
          </select>
          {reply?.fieldErrors?.context ? <p className="text-xs text-red-700">{reply.fieldErrors.context[0]}</p> : null}
          <p className="text-xs text-slate-500">This file has {contexts.length} contexts; the cluster uses the one you choose.</p>
        </div>
      ) : null}

      {rotating ? null : (
        <div className="max-w-md">
          <FormField
            label="Cluster name"
            name="name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setNameTouched(true);
            }}
            maxLength={60}
            error={reply?.fieldErrors?.name?.[0]}
            hint="How the team will see it in lists and runs."
          />
        </div>
      )}

      {reply?.error ? <Alert>{reply.error}</Alert> : null}
      {reply?.message ? <Alert tone="green">{reply.message}</Alert> : null}
      {reply?.test ? <ConnectionResult test={reply.test} /> : null}

      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="secondary" disabled={!hasInput || pending} onClick={() => send("test")}>
          {busy === "test" ? "Testing…" : "Test connection"}
        </Button>
        <Button type="submit" disabled={!hasInput || pending}>
          {busy === "save" ? "Connecting…" : rotating ? "Test and replace credentials" : "Connect cluster"}
        </Button>
      </div>
    </form>
  );
}
