import { readFile } from "node:fs/promises";
import { describeProblem, parseExperimentFile, type FileProblem } from "../../lib/experiments/file";
import { whereOf } from "../../lib/experiments/where";
import { ApiFailure } from "../client";
import { EXIT, UsageError, type CommandContext } from "../context";
import { printJson } from "../output";
import type { Experiment } from "../types";

// Experiments as code: `validate` reads a file offline with the service's own schema, `apply`
// sends it to the team (create, update or nothing), `export` prints one as a file.

interface ApplyAnswer {
  outcome: "created" | "updated" | "unchanged";
  dryRun: boolean;
  experiment: Experiment | null;
  diff: string;
  added: number;
  removed: number;
}

/** The file named by -f (or standard input for "-"), with the name errors are reported under. */
async function readFileArg(c: CommandContext, command: string): Promise<{ name: string; text: string }> {
  const file = c.flags.file;
  if (!file) throw new UsageError(`experiments ${command} needs -f <file> (a YAML or JSON experiment file; - reads standard input)`);
  if (file === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { name: "<stdin>", text: Buffer.concat(chunks).toString("utf8") };
  }
  try {
    return { name: file, text: await readFile(file, "utf8") };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : "it cannot be read";
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
}

/** Each problem as compilers print theirs, so editors and CI annotate the line: "exp.yaml:12:7: stage 1, fault 2: …". */
function printProblems(c: CommandContext, name: string, problems: Pick<FileProblem, "path" | "message" | "line" | "column">[]) {
  for (const p of problems) {
    const where = whereOf(p.path);
    c.out.stderr(`${name}:${p.line}:${p.column}: ${where ? `${where}: ` : ""}${p.message}\n`);
  }
}

// pystol experiments validate -f exp.yaml
async function validate(c: CommandContext): Promise<number> {
  const { name, text } = await readFileArg(c, "validate");
  const parsed = parseExperimentFile(text);
  if (c.out.json) printJson(c.out, parsed.ok ? { valid: true, name: parsed.file.metadata.name } : { valid: false, problems: parsed.problems.map((p) => ({ ...p, text: describeProblem(p) })) });
  if (!parsed.ok) {
    printProblems(c, name, parsed.problems);
    c.out.stderr(`${name}: ${parsed.problems.length === 1 ? "1 problem" : `${parsed.problems.length} problems`}\n`);
    return EXIT.runFailed;
  }
  if (!c.out.json) c.out.stdout(`${name}: valid (experiment "${parsed.file.metadata.name}")\n`);
  return EXIT.ok;
}

// pystol experiments apply -f exp.yaml [--dry-run]
async function apply(c: CommandContext): Promise<number> {
  const { name, text } = await readFileArg(c, "apply");
  // Checked here first: the same schema, and nothing sent for a file that cannot be accepted.
  const parsed = parseExperimentFile(text);
  if (!parsed.ok) {
    printProblems(c, name, parsed.problems);
    c.out.stderr(`pystol: ${name} was not applied: ${parsed.problems.length === 1 ? "1 problem" : `${parsed.problems.length} problems`}\n`);
    return EXIT.runFailed;
  }
  const client = await c.client();
  let answer: ApplyAnswer;
  try {
    answer = await client.request<ApplyAnswer>(`/experiments/apply${c.flags["dry-run"] ? "?dryRun=true" : ""}`, {
      method: "PUT",
      text,
      contentType: /^\s*[{[]/.test(text) ? "application/json" : "application/yaml",
    });
  } catch (err) {
    // The server's refusals about the file (the cluster it names, say) point at its lines too.
    if (err instanceof ApiFailure && err.issues.some((i) => i.line !== undefined)) {
      printProblems(c, name, err.issues.map((i) => ({ ...i, line: i.line ?? 1, column: i.column ?? 1 })));
    }
    throw err;
  }
  if (c.out.json) {
    printJson(c.out, answer);
    return EXIT.ok;
  }
  const exp = parsed.file.metadata.name;
  if (answer.diff) c.out.stdout(answer.diff);
  const version = answer.experiment ? ` (version ${answer.experiment.version})` : "";
  const would = answer.dryRun ? "would be " : "";
  const counts = answer.outcome === "unchanged" ? "" : `: ${answer.added} line${answer.added === 1 ? "" : "s"} added, ${answer.removed} removed`;
  const what = answer.outcome === "unchanged" ? `unchanged${version}; no new version` : `${would}${answer.outcome}${answer.dryRun ? "" : version}${counts}`;
  c.out.stdout(`Experiment "${exp}" ${what}${answer.dryRun ? " (dry run: nothing saved)" : ""}\n`);
  return EXIT.ok;
}

// pystol experiments export <name> [-o yaml|json]
async function exportCommand(c: CommandContext): Promise<number> {
  const name = c.args[0];
  if (!name) throw new UsageError("experiments export needs an experiment's name or id (see pystol experiments ls)");
  const format = c.flags.output ?? "yaml";
  if (format !== "yaml" && format !== "json") throw new UsageError(`-o takes yaml or json (got "${format}")`);
  const text = await (await c.client()).text(`/experiments/${encodeURIComponent(name)}/export?format=${format}`);
  c.out.stdout(text);
  return EXIT.ok;
}

export const experimentFiles = { validate, apply, export: exportCommand };
