// The demo shop as an application: what each service costs, how much traffic it gets and whom it
// calls. The figures are chosen so that the seeded shop runs at about half its capacity, losing one
// replica of a two-replica service slows it without errors, and losing most of a service's
// replicas makes it shed load (README, "Application model").

/** A call to another service; `optional` calls degrade the answer instead of failing it. */
export interface Call {
  to: string;
  optional?: boolean;
}

export interface Route {
  /** Share of the service's simulated traffic that takes this route. */
  weight: number;
  calls: Call[];
}

export interface ServiceModel {
  ns: string;
  name: string;
  /** Time the service spends on a request at low utilisation, without its calls. */
  baseMs: number;
  /** Requests per second one Ready replica serves before it saturates. */
  capacityRps: number;
  /** Simulated offered load, requests per second, independent of replicas. */
  loadRps: number;
  /** Routes by path prefix; "/" is the default and what other services call. */
  routes: Record<string, Route>;
}

const call = (spec: string): Call => (spec.startsWith("?") ? { to: spec.slice(1), optional: true } : { to: spec });
const route = (weight: number, calls: string[]): Route => ({ weight, calls: calls.map(call) });

function svc(ns: string, name: string, baseMs: number, capacityRps: number, loadRps: number, calls: string[], routes?: Record<string, Route>): ServiceModel {
  return { ns, name, baseMs, capacityRps, loadRps, routes: routes ?? { "/": route(1, calls) } };
}

export const SHOP_SERVICES: readonly ServiceModel[] = [
  svc("shop", "frontend", 5, 40, 60, [], {
    "/": route(0.55, ["catalog", "currency", "cart", "?recommendation", "?ads"]),
    "/product": route(0.25, ["catalog", "currency", "?recommendation", "?ads"]),
    "/cart": route(0.12, ["cart", "catalog", "currency", "?shipping"]),
    "/checkout": route(0.08, ["checkout"]),
  }),
  svc("shop", "cart", 3, 50, 45, ["redis-cart"]),
  svc("shop", "checkout", 8, 10, 5, ["cart", "catalog", "currency", "shipping", "payment", "?email"]),
  svc("shop", "payment", 15, 10, 5, []),
  svc("shop", "catalog", 4, 50, 60, ["catalog-db"]),
  svc("shop", "shipping", 4, 30, 12, []),
  svc("shop", "email", 6, 20, 5, []),
  svc("shop", "recommendation", 10, 40, 40, ["catalog"]),
  svc("shop", "ads", 3, 80, 40, []),
  svc("shop", "currency", 2, 100, 100, []),
  svc("shop-data", "redis-cart", 1, 500, 60, []),
  svc("shop-data", "catalog-db", 3, 100, 70, []),
];

/** Namespace of the services a shop service calls by bare name (data stores live in shop-data). */
export const serviceNs = (name: string) => SHOP_SERVICES.find((s) => s.name === name)?.ns ?? "shop";

const byKey = new Map(SHOP_SERVICES.map((s) => [`${s.ns}/${s.name}`, s]));
export const shopService = (ns: string, name: string) => byKey.get(`${ns}/${name}`);

/** Paths every service answers by itself, without calling anyone. */
export const HEALTH_PATHS = new Set(["/healthz", "/readyz", "/livez", "/health"]);

/** The in-cluster Prometheus, whose /federate serves every shop service's series. */
export const FEDERATOR = { ns: "monitoring", name: "prometheus" };
