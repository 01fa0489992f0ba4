"use client";

import { SchemaForm } from "@/app/_components/schema-form";
import { Button } from "@/app/_components/ui";
import type { ActionChoice } from "../../run/run-form";
import { move, newFault, newStage, type FaultDraft, type FieldsByAction, type StageDraft } from "./draft";
import { ItemControls, SelectField, TextField, useError } from "./fields";

/** The stages, in order, each with its faults (run in parallel) and the wait after it. */
export function StagesEditor({
  stages,
  onChange,
  actions,
  fields,
}: {
  stages: StageDraft[];
  onChange: (stages: StageDraft[]) => void;
  actions: ActionChoice[];
  fields: FieldsByAction;
}) {
  const error = useError("stages");
  const setStage = (i: number, s: StageDraft) => onChange(stages.map((x, j) => (j === i ? s : x)));
  return (
    <div className="space-y-4">
      {error ? <p className="text-xs text-red-700">{error}</p> : null}
      {stages.map((stage, si) => (
        <section key={stage.key} aria-label={`Stage ${si + 1}`} className="rounded-md border border-slate-200 p-3 sm:p-4">
          <div className="mb-3 flex items-start justify-between gap-2">
            <h3 className="pt-1 text-sm font-semibold text-slate-700">Stage {si + 1}</h3>
            <ItemControls what={`stage ${si + 1}`} index={si} count={stages.length} onMove={(by) => onChange(move(stages, si, by))} onRemove={() => onChange(stages.filter((_, j) => j !== si))} />
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField id={`s${si}-name`} path={`stages.${si}.name`} label="Stage name" value={stage.name} onChange={(name) => setStage(si, { ...stage, name })} />
            <TextField
              id={`s${si}-wait`}
              path={`stages.${si}.waitAfterSeconds`}
              label="Wait after (seconds)"
              numeric
              placeholder="0"
              hint="A pause after this stage's faults ended, before the next stage."
              value={stage.waitAfterSeconds}
              onChange={(waitAfterSeconds) => setStage(si, { ...stage, waitAfterSeconds })}
            />
          </div>
          <p className="mt-4 text-xs text-slate-500">The faults of a stage start together; the stage ends when every one has ended.</p>
          <FaultsError path={`stages.${si}.faults`} />
          <div className="mt-2 space-y-3">
            {stage.faults.map((fault, fi) => (
              <FaultEditor
                key={fault.key}
                si={si}
                fi={fi}
                count={stage.faults.length}
                fault={fault}
                actions={actions}
                fields={fields}
                onChange={(f) => setStage(si, { ...stage, faults: stage.faults.map((x, j) => (j === fi ? f : x)) })}
                onMove={(by) => setStage(si, { ...stage, faults: move(stage.faults, fi, by) })}
                onRemove={() => setStage(si, { ...stage, faults: stage.faults.filter((_, j) => j !== fi) })}
              />
            ))}
          </div>
          <Button type="button" variant="secondary" className="mt-3" onClick={() => setStage(si, { ...stage, faults: [...stage.faults, newFault(actions[0]!.id, fields)] })}>
            Add a fault to stage {si + 1}
          </Button>
        </section>
      ))}
      <Button type="button" variant="secondary" onClick={() => onChange([...stages, newStage(stages.length, actions[0]!.id, fields)])}>
        Add a stage
      </Button>
    </div>
  );
}

function FaultsError({ path }: { path: string }) {
  const error = useError(path);
  return error ? <p className="mt-2 text-xs text-red-700">{error}</p> : null;
}

function FaultEditor({
  si,
  fi,
  count,
  fault,
  actions,
  fields,
  onChange,
  onMove,
  onRemove,
}: {
  si: number;
  fi: number;
  count: number;
  fault: FaultDraft;
  actions: ActionChoice[];
  fields: FieldsByAction;
  onChange: (f: FaultDraft) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const path = `stages.${si}.faults.${fi}`;
  const paramsError = useError(`${path}.params`, true);
  const action = actions.find((a) => a.id === fault.actionId);
  const id = `s${si}f${fi}`;
  return (
    <div role="group" aria-label={`Stage ${si + 1}, fault ${fi + 1}`} className="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
      <div className="mb-3 flex items-start justify-between gap-2">
        <h4 className="pt-1 text-sm font-medium text-slate-700">Fault {fi + 1}</h4>
        <ItemControls what={`fault ${fi + 1}`} index={fi} count={count} onMove={onMove} onRemove={onRemove} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          id={`${id}-fault-action`}
          path={`${path}.actionId`}
          label="Action"
          value={fault.actionId}
          options={actions.map((a) => ({ value: a.id, label: a.title }))}
          onChange={(actionId) => onChange({ ...newFault(actionId, fields), key: fault.key, name: fault.name, durationSeconds: fault.durationSeconds })}
        />
        <TextField id={`${id}-fault-name`} path={`${path}.name`} label="Fault name" placeholder={action?.title} hint="Optional; the action's title by default." value={fault.name} onChange={(name) => onChange({ ...fault, name })} />
        <TextField
          id={`${id}-fault-duration`}
          path={`${path}.durationSeconds`}
          label="Duration (seconds)"
          numeric
          placeholder="until done"
          hint="Empty: until the action is done. Otherwise held at most this long, then ended and rolled back."
          value={fault.durationSeconds}
          onChange={(durationSeconds) => onChange({ ...fault, durationSeconds })}
        />
      </div>
      {action ? (
        <div className="mt-4 border-t border-slate-200 pt-3">
          <p className="mb-3 text-xs text-slate-500">{action.description}</p>
          <SchemaForm key={`${fault.key}:${fault.actionId}`} fields={action.fields} values={fault.values} idPrefix={id} onValuesChange={(values) => onChange({ ...fault, values })} />
        </div>
      ) : null}
      {paramsError ? (
        <p className="mt-2 text-xs text-red-700" role="alert">
          {paramsError}
        </p>
      ) : null}
    </div>
  );
}
