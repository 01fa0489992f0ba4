"use client";

import { useState } from "react";
import { FIELD_PREFIX, type SchemaField } from "./schema-fields";

const inputClass = (error: boolean) =>
  `block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm outline-none placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500 disabled:bg-slate-50 ${error ? "border-red-400" : "border-slate-300"}`;

/**
 * The inputs of a form generated from a zod schema (see fieldsFromSchema): a label, the input
 * for its type, help text, and the server's errors under each field. The inputs keep what was
 * typed (they are controlled), so a failed submit loses nothing. Give it a `key` per schema.
 */
export function SchemaForm({
  fields,
  values,
  errors,
  disabled = false,
  idPrefix = "param",
  onValuesChange,
}: {
  fields: readonly SchemaField[];
  /** What to show at first: the person's earlier input, else each field's default. */
  values?: Record<string, string>;
  errors?: Record<string, string[] | undefined>;
  disabled?: boolean;
  idPrefix?: string;
  /** Told every change, for a form that keeps the texts in its own state rather than submitting these inputs. */
  onValuesChange?: (values: Record<string, string>) => void;
}) {
  const [state, setState] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, values?.[f.name] ?? f.defaultValue])),
  );
  const set = (name: string, value: string) => {
    const next = { ...state, [name]: value };
    setState(next);
    onValuesChange?.(next);
  };

  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {fields.map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const error = errors?.[f.name]?.[0];
        const describedBy = error ? `${id}-error` : f.help ? `${id}-help` : undefined;
        const common = {
          id,
          name: `${FIELD_PREFIX}${f.name}`,
          disabled,
          "aria-invalid": error ? true : undefined,
          "aria-describedby": describedBy,
        };
        const value = state[f.name] ?? "";
        let input;
        if (f.kind === "boolean") {
          input = (
            <input {...common} type="checkbox" checked={value === "on"} onChange={(e) => set(f.name, e.target.checked ? "on" : "")} className="h-4 w-4" />
          );
        } else if (f.kind === "select") {
          input = (
            <select {...common} value={value} onChange={(e) => set(f.name, e.target.value)} className={inputClass(!!error)}>
              {f.required ? null : <option value="">—</option>}
              {f.options?.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          );
        } else if (f.kind === "list") {
          input = (
            <textarea {...common} rows={3} value={value} placeholder={f.placeholder} onChange={(e) => set(f.name, e.target.value)} className={`${inputClass(!!error)} font-mono`} />
          );
        } else {
          const numeric = f.kind === "integer" || f.kind === "number";
          input = (
            <input
              {...common}
              type={numeric ? "number" : "text"}
              inputMode={numeric ? (f.kind === "integer" ? "numeric" : "decimal") : undefined}
              step={f.kind === "integer" ? 1 : numeric ? "any" : undefined}
              value={value}
              placeholder={f.placeholder}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set(f.name, e.target.value)}
              className={inputClass(!!error)}
            />
          );
        }
        return (
          <div key={f.name} className={f.kind === "list" ? "space-y-1 sm:col-span-2" : "space-y-1"}>
            <label htmlFor={id} className="block text-sm font-medium text-slate-700">
              {f.label}
              {f.required ? <span className="text-red-600"> *</span> : null}
            </label>
            {input}
            {error ? (
              <p id={`${id}-error`} className="text-xs text-red-700">
                {error}
              </p>
            ) : f.help ? (
              <p id={`${id}-help`} className="text-xs text-slate-500">
                {f.help}
              </p>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
