"use client";

import { createContext, useContext, type ReactNode } from "react";

// The editor's inputs: a label, the input, then either the refusal for this field (by its
// path in the definition) or a hint. Errors come from the last save or dry run.

export const ErrorsContext = createContext<Record<string, string[] | undefined>>({});

export const inputClass = (error: boolean) =>
  `block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm outline-none placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500 ${error ? "border-red-400" : "border-slate-300"}`;

/** The first message for a path, and for the paths under it when `under` is set. */
export function useError(path: string, under = false): string | undefined {
  const errors = useContext(ErrorsContext);
  const own = errors[path]?.[0];
  if (own || !under) return own;
  const nested = Object.entries(errors).find(([p]) => p.startsWith(`${path}.`));
  return nested?.[1]?.[0];
}

export function Field({ id, label, error, hint, children, wide = false }: { id: string; label: string; error?: string; hint?: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`min-w-0 space-y-1 ${wide ? "sm:col-span-2" : ""}`}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A text or number input bound to one path of the definition. */
export function TextField({
  id,
  path,
  label,
  value,
  onChange,
  hint,
  placeholder,
  numeric = false,
  wide = false,
  under = false,
}: {
  id: string;
  path: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  placeholder?: string;
  numeric?: boolean;
  wide?: boolean;
  under?: boolean;
}) {
  const error = useError(path, under);
  return (
    <Field id={id} label={label} error={error} hint={hint} wide={wide}>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        inputMode={numeric ? "numeric" : undefined}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={inputClass(!!error)}
      />
    </Field>
  );
}

export function SelectField({
  id,
  path,
  label,
  value,
  onChange,
  options,
  hint,
}: {
  id: string;
  path: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: readonly (string | { value: string; label: string })[];
  hint?: string;
}) {
  const error = useError(path);
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} className={inputClass(!!error)}>
        {options.map((o) => {
          const opt = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option key={opt.value} value={opt.value}>
              {opt.label}
            </option>
          );
        })}
      </select>
    </Field>
  );
}

/** Small buttons beside a stage, fault or check: move up, move down, remove. */
export function ItemControls({ what, index, count, onMove, onRemove, min = 1 }: { what: string; index: number; count: number; onMove: (by: -1 | 1) => void; onRemove: () => void; min?: number }) {
  const small = "rounded px-2 py-1 text-xs text-slate-600 hover:bg-slate-100 disabled:opacity-40 disabled:hover:bg-transparent";
  return (
    <div className="flex shrink-0 gap-1">
      <button type="button" className={small} disabled={index === 0} onClick={() => onMove(-1)} aria-label={`Move ${what} up`}>
        ↑
      </button>
      <button type="button" className={small} disabled={index === count - 1} onClick={() => onMove(1)} aria-label={`Move ${what} down`}>
        ↓
      </button>
      <button type="button" className={`${small} text-red-700`} disabled={count <= min} onClick={onRemove}>
        Remove
      </button>
    </div>
  );
}
