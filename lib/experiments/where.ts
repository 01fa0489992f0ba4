// Where a path of an experiment (or of its file) points, in words, for people reading an error:
// "stages.0.faults.1.params" is "stage 1, fault 2, parameters". Pure: the editor (a client
// component), the server and the CLI all use it.

const LIST_ITEM: Record<string, string> = { stages: "stage", faults: "fault", checks: "check" };
const FIELD: Record<string, string> = { clusterId: "cluster", params: "parameters" };

/** A definition path ("stages.0.faults.1.params") or a file path ("spec.stages.0…", "metadata.name") in words. */
export function whereOf(path: string): string {
  const parts = path.split(".").filter((p) => p !== "");
  // A file's spec is the definition, and its metadata the experiment's name and cluster.
  if (parts[0] === "spec" || parts[0] === "metadata") parts.shift();
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const n = Number(parts[i + 1]);
    if (LIST_ITEM[p] && Number.isInteger(n)) {
      out.push(`${LIST_ITEM[p]} ${n + 1}`);
      i++;
    } else out.push(FIELD[p] ?? p);
  }
  return out.join(", ");
}
