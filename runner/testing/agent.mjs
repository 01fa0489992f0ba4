// A helper process for the fault runner's namespace tests. It runs inside one network namespace
// (started with `ip netns exec`), serves what a pod or its dependency serves, and carries out the
// test's requests from there: one JSON command per line on stdin, one JSON answer per line out.
import dgram from "node:dgram";
import dns from "node:dns";
import http from "node:http";
import net from "node:net";
import readline from "node:readline";

const closers = [];
const loops = new Map();
const udpCounts = new Map();

function dnsAnswer(query, address) {
  // Echo the question and answer one A record (or NXDOMAIN for names under "missing.").
  let i = 12;
  const labels = [];
  while (query[i] !== 0) {
    labels.push(query.subarray(i + 1, i + 1 + query[i]).toString());
    i += 1 + query[i];
  }
  const qEnd = i + 5;
  const head = Buffer.from(query.subarray(0, qEnd));
  head[2] = 0x81;
  const missing = labels[0] === "missing";
  head[3] = missing ? 0x83 : 0x80;
  head.writeUInt16BE(missing ? 0 : 1, 6);
  head.writeUInt16BE(0, 8);
  head.writeUInt16BE(0, 10);
  if (missing) return head;
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0);
  rr.writeUInt16BE(1, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(5, 6);
  rr.writeUInt16BE(4, 10);
  address.split(".").forEach((o, k) => (rr[12 + k] = Number(o)));
  return Buffer.concat([head, rr]);
}

function httpGet(url, timeoutMs) {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body, ms: performance.now() - started }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ error: e.message, ms: performance.now() - started }));
  });
}

const ops = {
  async "serve-http"({ port, body, host = "0.0.0.0" }) {
    const server = http.createServer((req, res) => res.end(`${body} ${req.url}`));
    await new Promise((r) => server.listen(port, host, r));
    closers.push(() => server.close());
    return {};
  },
  async "serve-dns"({ port, address }) {
    const sock = dgram.createSocket("udp4");
    sock.on("message", (m, r) => sock.send(dnsAnswer(m, address), r.port, r.address));
    await new Promise((r) => sock.bind(port, "0.0.0.0", r));
    closers.push(() => sock.close());
    return {};
  },
  async "udp-sink"({ port }) {
    const sock = dgram.createSocket("udp4");
    udpCounts.set(port, 0);
    sock.on("message", () => udpCounts.set(port, udpCounts.get(port) + 1));
    await new Promise((r) => sock.bind(port, "0.0.0.0", r));
    closers.push(() => sock.close());
    return {};
  },
  async "udp-count"({ port }) {
    // Datagrams that reached this namespace but found the socket's buffer full are counted by
    // the kernel (RcvbufErrors): they were not lost on the way, so a loss test adds them back.
    const snmp = (await import("node:fs")).readFileSync("/proc/net/snmp", "utf8").split("\n");
    const [names, values] = snmp.filter((l) => l.startsWith("Udp:")).map((l) => l.split(/\s+/));
    const overflowed = Number(values[names.indexOf("RcvbufErrors")]);
    return { count: udpCounts.get(port) ?? 0, overflowed };
  },
  async "udp-send"({ host, port, count }) {
    const sock = dgram.createSocket("udp4");
    const payload = Buffer.from("pystol-loss-probe");
    for (let i = 0; i < count; i++) {
      await new Promise((r) => sock.send(payload, port, host, r));
      // A short pause now and then keeps the receiver's socket buffer from overflowing,
      // which would be counted as loss that the fault did not cause.
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
    sock.close();
    return { sent: count };
  },
  async "tcp-connect"({ host, port, timeoutMs }) {
    return new Promise((resolve) => {
      const s = net.connect({ host, port, timeout: timeoutMs });
      s.on("connect", () => {
        s.destroy();
        resolve({ ok: true });
      });
      s.on("timeout", () => {
        s.destroy();
        resolve({ ok: false, error: "timeout" });
      });
      s.on("error", (e) => resolve({ ok: false, error: e.code ?? e.message }));
    });
  },
  async "http-get"({ url, timeoutMs }) {
    return httpGet(url, timeoutMs);
  },
  async "http-batch"({ url, count, timeoutMs }) {
    const results = [];
    for (let i = 0; i < count; i++) results.push(await httpGet(url, timeoutMs));
    return { results };
  },
  async "dns-lookup"({ server, name }) {
    // Time enough for a busy machine; a fault that fails a lookup answers at once.
    const r = new dns.promises.Resolver({ timeout: 3000, tries: 1 });
    r.setServers([server]);
    try {
      return { addresses: await r.resolve4(name) };
    } catch (e) {
      return { error: e.code };
    }
  },
  async "dns-batch"({ server, names, count }) {
    const r = new dns.promises.Resolver({ timeout: 1000, tries: 1 });
    r.setServers([server]);
    const outcomes = {};
    for (let i = 0; i < count; i++) {
      const name = names[i % names.length];
      const key = await r.resolve4(name).then(
        () => "answered",
        (e) => e.code,
      );
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    return { outcomes };
  },
  async "spawn-loop"({ binary, seconds }) {
    // A supervisor that restarts the target whenever it dies, as a kubelet would.
    const { spawn } = await import("node:child_process");
    const child = spawn("sh", ["-c", `while :; do "${binary}" ${seconds}; done`], { stdio: "ignore" });
    loops.set(child.pid, child);
    closers.push(() => child.kill("SIGKILL"));
    return { pid: child.pid };
  },
  async "stop-loop"({ pid }) {
    const child = loops.get(pid);
    child.kill("SIGKILL");
    await new Promise((r) =>
      child.exitCode !== null || child.signalCode !== null ? r() : child.on("exit", r),
    );
    loops.delete(pid);
    return {};
  },
};

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  const { id, op, ...args } = JSON.parse(line);
  try {
    const result = await ops[op](args);
    process.stdout.write(`${JSON.stringify({ id, ...result })}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ id, failed: e.message })}\n`);
  }
});
rl.on("close", () => {
  for (const c of closers) c();
  process.exit(0);
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
