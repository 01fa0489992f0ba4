import { randomUUID } from "node:crypto";
import { registry } from "./index";

// Under server.mjs the web app runs in several processes behind one port, and a scrape reaches
// one of them: that process asks the primary, which gathers every process's registry and sums
// them (prom-client's AggregatorRegistry). Alone (next start, next dev, the worker) the
// process's own registry is the answer.
const SCRAPE = "pystol:metrics-scrape";
const SCRAPED = "pystol:metrics-scraped";
const TIMEOUT_MS = 5_000;

interface Scraped {
  type: typeof SCRAPED;
  id: string;
  body?: string;
  error?: string;
}

function fromPrimary(): Promise<string> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const onMessage = (msg: unknown) => {
      const m = msg as Partial<Scraped> | null;
      if (m?.type !== SCRAPED || m.id !== id) return;
      done();
      if (typeof m.body === "string") resolve(m.body);
      else reject(new Error(m.error ?? "no metrics"));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error("the web server's primary process did not answer"));
    }, TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      process.off("message", onMessage);
    };
    process.on("message", onMessage);
    process.send?.({ type: SCRAPE, id });
  });
}

/** The metrics text of the whole web app (every process of it) and its content type. */
export async function scrapeMetrics(): Promise<{ body: string; contentType: string }> {
  const body = process.env.PYSTOL_WEB_CLUSTER === "1" && process.send ? await fromPrimary() : await registry.metrics();
  return { body, contentType: registry.contentType };
}
