// The runner's own small resolver for DNS faults: lookups the target sends to port 53 are
// redirected here; names matching the fault's patterns are answered NXDOMAIN or SERVFAIL, or
// passed on late, and every other lookup is passed on to the real resolver unchanged.
import dgram from "node:dgram";
import { readFile } from "node:fs/promises";

const RCODE = { nxdomain: 3, servfail: 2 } as const;

/** Turns `*.shop.svc` into a matcher; `*` stands for one or more labels. */
export function nameMatcher(patterns: string[]): (name: string) => boolean {
  const res = patterns.map((p) => {
    const labels = p.toLowerCase().replace(/\.$/, "").split(".");
    const src = labels
      .map((l) => (l === "*" ? "[^.]+(?:\\.[^.]+)*" : l.replace(/[-_]/g, (c) => `\\${c}`)))
      .join("\\.");
    return new RegExp(`^${src}$`);
  });
  return (name) => {
    const n = name.toLowerCase().replace(/\.$/, "");
    return res.some((r) => r.test(n));
  };
}

/** The first question's name of a DNS message, or undefined when the message is malformed. */
export function questionName(msg: Buffer): { name: string; end: number } | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length) {
    const len = msg[i] ?? 0;
    if (len === 0) return i + 5 <= msg.length ? { name: labels.join("."), end: i + 5 } : undefined;
    if (len > 63 || i + 1 + len > msg.length) return undefined;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString("latin1"));
    i += 1 + len;
  }
  return undefined;
}

function errorAnswer(query: Buffer, questionEnd: number, rcode: number): Buffer {
  const out = Buffer.from(query.subarray(0, questionEnd));
  const rd = (query[2] ?? 0) & 0x01;
  const opcode = (query[2] ?? 0) & 0x78;
  out[2] = 0x80 | opcode | rd; // QR, the query's opcode, RD copied
  out[3] = 0x80 | rcode; // RA and the answer code
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(0, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(0, 10);
  return out;
}

/** The first `nameserver` of resolv.conf, as the real resolver to pass lookups on to. */
export async function systemResolver(path = "/etc/resolv.conf"): Promise<string> {
  const text = await readFile(path, "utf8");
  const m = /^\s*nameserver\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/m.exec(text);
  if (!m?.[1]) throw new Error(`${path} names no IPv4 nameserver to pass lookups on to`);
  return m[1];
}

export interface DnsResolverOptions {
  patterns: string[];
  answer: "nxdomain" | "servfail" | "slow";
  delayMs: number;
  upstream: { address: string; port: number };
}

export interface RunningResolver {
  port: number;
  forwardPort: number;
  /** Lookups that matched and were failed or slowed. */
  readonly affected: () => number;
  close(): Promise<void>;
}

/** Starts the resolver on 127.0.0.1 (where nftables' redirect sends IPv4 lookups). */
export async function startDnsResolver(opts: DnsResolverOptions): Promise<RunningResolver> {
  const matches = nameMatcher(opts.patterns);
  const listen = dgram.createSocket("udp4");
  const forward = dgram.createSocket("udp4");
  const pending = new Map<number, { address: string; port: number; id: number; timer: NodeJS.Timeout }>();
  const timers = new Set<NodeJS.Timeout>();
  let nextId = 1;
  let affected = 0;

  const passOn = (msg: Buffer, client: dgram.RemoteInfo) => {
    const id = nextId;
    nextId = (nextId % 0xffff) + 1;
    const timer = setTimeout(() => pending.delete(id), 5_000);
    pending.set(id, { address: client.address, port: client.port, id: msg.readUInt16BE(0), timer });
    const copy = Buffer.from(msg);
    copy.writeUInt16BE(id, 0);
    forward.send(copy, opts.upstream.port, opts.upstream.address);
  };

  listen.on("message", (msg, client) => {
    const q = questionName(msg);
    if (!q || !matches(q.name)) return passOn(msg, client);
    affected += 1;
    if (opts.answer === "slow") {
      const t = setTimeout(() => {
        timers.delete(t);
        passOn(msg, client);
      }, opts.delayMs);
      timers.add(t);
      return;
    }
    listen.send(errorAnswer(msg, q.end, RCODE[opts.answer]), client.port, client.address);
  });

  forward.on("message", (msg) => {
    if (msg.length < 12) return;
    const p = pending.get(msg.readUInt16BE(0));
    if (!p) return;
    pending.delete(msg.readUInt16BE(0));
    clearTimeout(p.timer);
    const copy = Buffer.from(msg);
    copy.writeUInt16BE(p.id, 0);
    listen.send(copy, p.port, p.address);
  });
  // A lost datagram is the client's to retry; a socket error must not end the runner mid-fault.
  listen.on("error", () => undefined);
  forward.on("error", () => undefined);

  await new Promise<void>((r) => listen.bind(0, "127.0.0.1", r));
  await new Promise<void>((r) => forward.bind(0, "0.0.0.0", r));
  return {
    port: listen.address().port,
    forwardPort: forward.address().port,
    affected: () => affected,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const p of pending.values()) clearTimeout(p.timer);
      await Promise.all([
        new Promise<void>((r) => listen.close(() => r())),
        new Promise<void>((r) => forward.close(() => r())),
      ]);
    },
  };
}
