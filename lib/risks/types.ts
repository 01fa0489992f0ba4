// Detected risks: what a cluster's own objects say about how it would take a fault, before any
// experiment runs (as Gremlin's Detected Risks and Steadybit's advice). Each names the objects,
// says why it matters, and suggests the template experiment that would prove or disprove it.

export const RISK_RULES = ["single-replica", "pdb-blocks-drain", "no-pdb", "one-node", "one-zone", "no-readiness-probe", "no-requests", "hpa-min-one"] as const;
export type RiskRule = (typeof RISK_RULES)[number];

export type Severity = "high" | "medium" | "low";
export const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

export interface RiskObject {
  kind: string;
  name: string;
}

/** A template experiment with its parameters filled for this risk. */
export interface TemplateSuggestion {
  templateId: string;
  params: Record<string, string | number>;
  /** What running it would show, in a few words. */
  label: string;
}

export interface Risk {
  rule: RiskRule;
  severity: Severity;
  namespace: string;
  /** The workload first, then what else is involved (its budget, autoscaler, node, zone). */
  objects: RiskObject[];
  /** One line: "shop/shipping runs one replica". */
  title: string;
  why: string;
  suggestion: TemplateSuggestion | null;
}

// The few fields the rules read, as they come in raw JSON.

export interface LabelSelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ContainerSpecJson {
  name: string;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, string> };
}

export interface WorkloadJson {
  kind?: string;
  metadata: { name: string; namespace?: string };
  spec?: {
    replicas?: number;
    selector?: LabelSelectorJson;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: ContainerSpecJson[] } };
  };
}

export interface PdbJson {
  metadata: { name: string; namespace?: string };
  spec?: { selector?: LabelSelectorJson; minAvailable?: number | string; maxUnavailable?: number | string };
}

export interface HpaJson {
  metadata: { name: string; namespace?: string };
  spec?: { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number; maxReplicas?: number };
}

/** What the rules read: workloads, budgets, autoscalers, and where each workload's pods run. */
export interface RiskInput {
  deployments: WorkloadJson[];
  statefulSets: WorkloadJson[];
  pdbs: PdbJson[];
  hpas: HpaJson[];
  /** Node name → zone (absent when the node has no zone label). */
  nodeZones: Record<string, string | undefined>;
  /** "<namespace>/<Kind>/<name>" → pods per node name. */
  placement: Record<string, Record<string, number>>;
}
