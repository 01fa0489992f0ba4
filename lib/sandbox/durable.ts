import { existsSync, unlinkSync } from "node:fs";
import path from "node:path";
import type { VirtualCluster } from "./cluster";
import type { ClusterOptions } from "./context";
import { JournalWriter, listSegments, readJournal, syncDir } from "./journal";
import type { ClusterManager } from "./manager";
import type { NetworkRule } from "./network";
import type { ResourceType } from "./resources";
import { clusterHeader, loadSnapshot, objectLines, reclaimAddresses, RestoringCluster, saveSnapshot, storedTypes, type ClusterHeader } from "./snapshot";
import type { StoreEvent } from "./store";
import type { KObject, WatchEventType } from "./types";

/**
 * What makes the sandbox's clusters outlive its process: the snapshot (every cluster, written
 * now and then) and the journal after it (every change since, written before the API answers).
 *
 * Journal records (JSON payloads of journal.ts's frames), each with its sequence number `s`:
 * - `ev`: a change of one cluster's store, `{c, t, v: ADDED|MODIFIED|DELETED, o}`, with the
 *   object as stored (its resourceVersion is the cluster's version counter after the change);
 * - `new` (the cluster's header), `objs` (its objects, in chunks) and `sealed`: a cluster created;
 *   a creation cut short by a crash has no `sealed` and is dropped on replay (it was never answered);
 * - `drop`: a cluster deleted; `net`: a cluster's network rules after a change.
 */

type Record =
  | { s: number; k: "ev"; c: string; t: string; v: WatchEventType; o: KObject }
  | { s: number; k: "new"; h: ClusterHeader }
  | { s: number; k: "objs"; c: string; l: { t: string; o: KObject }[] }
  | { s: number; k: "sealed"; c: string }
  | { s: number; k: "drop"; c: string }
  | { s: number; k: "net"; c: string; r: NetworkRule[] };

/** Objects per `objs` record of a creation, by bytes: records stay small enough to parse at once. */
const CHUNK_BYTES = 1 << 20;

export interface DurabilityOptions {
  dataDir: string;
  /** Journal every change (durable to the last answer); false: snapshots alone (a crash loses what came after the last one). */
  journal: boolean;
  clusterDefaults?: Partial<ClusterOptions>;
  /** The journal could not be written: the process should stop and be restarted from disk. */
  onFailure: (e: Error) => void;
}

export interface RestoreReport {
  clusters: number;
  /** Journal records applied after the snapshot. */
  replayed: number;
  /** Bytes of a torn last record ignored (a crash while appending). */
  tornBytes: number;
}

export class Durability {
  readonly snapshotFile: string;
  readonly journalDir: string;
  private writer: JournalWriter | null = null;
  /** Last journal record contained in the snapshot on disk. */
  private snapshotSeq = 0;
  private readonly attached = new Set<VirtualCluster>();
  private closing = false;

  constructor(
    private readonly manager: ClusterManager,
    private readonly opts: DurabilityOptions,
  ) {
    this.snapshotFile = path.join(opts.dataDir, "snapshot.ndjson");
    this.journalDir = path.join(opts.dataDir, "journal");
  }

  /**
   * Load the snapshot and replay the journal after it, then write a fresh snapshot holding all of
   * it (which drops the old segments and any torn tail) and start journaling from there.
   */
  open(): RestoreReport {
    const snap = loadSnapshot(this.snapshotFile, this.manager, this.opts.clusterDefaults);
    const { records, tornBytes } = readJournal(this.journalDir);
    let seq = snap.seq;
    let replayed = 0;
    const replay = new Replay(this.manager, this.opts.clusterDefaults ?? {});
    for (const buf of records) {
      const r = JSON.parse(buf.toString("utf8")) as Record;
      if (r.s <= seq) continue;
      if (r.s !== seq + 1) throw new Error(`journal record ${r.s} follows ${seq}: records are missing; move ${this.journalDir} aside to start from the snapshot alone`);
      replay.apply(r);
      seq = r.s;
      replayed++;
    }
    replay.finish();
    const clusters = this.manager.list().length;
    if (replayed || tornBytes || !existsSync(this.snapshotFile) || !this.opts.journal) this.compactTo(seq);
    this.snapshotSeq = seq;
    if (this.opts.journal) {
      this.writer = new JournalWriter(this.journalDir, seq, this.opts.onFailure);
      for (const c of this.manager.list()) this.attach(c);
      this.manager.observer = {
        created: (c) => this.created(c),
        deleted: (c) => this.deleted(c),
      };
    }
    return { clusters, replayed, tornBytes };
  }

  /** Snapshot everything as of journal record `seq` and delete the segments it covers. */
  private compactTo(seq: number) {
    saveSnapshot(this.snapshotFile, this.manager, seq);
    for (const f of listSegments(this.journalDir)) unlinkSync(f);
    if (existsSync(this.journalDir)) syncDir(this.journalDir);
  }

  /** Resolves once every change made so far is on disk (at once without a journal). */
  sync(): Promise<void> {
    // After the last snapshot nothing is kept: a write arriving while the process stops gets no answer.
    if (this.closing) return Promise.reject(new Error("the sandbox is stopping"));
    return this.writer ? this.writer.sync() : Promise.resolve();
  }

  get stats() {
    return this.writer?.stats ?? { records: 0, bytes: 0, flushes: 0 };
  }

  /**
   * Write a snapshot and drop the journal segments it covers (compaction). Synchronous, so the
   * snapshot holds exactly the changes up to the journal's position at this moment.
   */
  snapshot() {
    if (!this.writer) {
      saveSnapshot(this.snapshotFile, this.manager, 0);
      return;
    }
    if (this.writer.position === this.snapshotSeq) return;
    const seq = this.writer.rotate();
    saveSnapshot(this.snapshotFile, this.manager, seq);
    this.snapshotSeq = seq;
    this.writer.dropUpTo(seq);
  }

  /** A last snapshot, then the journal closed. */
  async close() {
    this.closing = true;
    this.snapshot();
    // What the controllers still do until the clusters are closed is not kept (the snapshot is).
    this.attached.clear();
    this.manager.observer = null;
    await this.writer?.close();
  }

  private append(make: (seq: number) => string | Buffer) {
    const w = this.writer!;
    const out = make(w.position + 1);
    w.append(typeof out === "string" ? Buffer.from(out) : out);
  }

  private attach(c: VirtualCluster) {
    this.attached.add(c);
    c.store.onChange((ev) => this.changed(c, ev));
    c.network.onChange = () => {
      if (this.attached.has(c)) this.append((s) => JSON.stringify({ s, k: "net", c: c.id, r: c.network.rules }));
    };
  }

  private changed(c: VirtualCluster, ev: StoreEvent) {
    if (!this.attached.has(c)) return;
    this.append((s) => `{"s":${s},"k":"ev","c":"${c.id}","t":"${ev.tkey}","v":"${ev.type}","o":${JSON.stringify(ev.obj)}}`);
  }

  private created(c: VirtualCluster) {
    this.append((s) => JSON.stringify({ s, k: "new", h: clusterHeader(c) }));
    let chunk: Buffer[] = [];
    let size = 0;
    const flush = () => {
      const lines = chunk.map((b) => b.subarray(0, b.length - 1));
      this.append((s) => Buffer.concat([Buffer.from(`{"s":${s},"k":"objs","c":"${c.id}","l":[`), ...lines.flatMap((l, i) => (i ? [COMMA, l] : [l])), Buffer.from("]}")]));
      chunk = [];
      size = 0;
    };
    for (const line of objectLines(c)) {
      chunk.push(line);
      size += line.length;
      if (size > CHUNK_BYTES) flush();
    }
    if (chunk.length) flush();
    this.append((s) => JSON.stringify({ s, k: "sealed", c: c.id }));
    this.attach(c);
  }

  private deleted(c: VirtualCluster) {
    this.attached.delete(c);
    this.append((s) => JSON.stringify({ s, k: "drop", c: c.id }));
  }
}

const COMMA = Buffer.from(",");

/** Applies journal records to the clusters restored from the snapshot. */
class Replay {
  private readonly types = storedTypes();
  private readonly creating = new Map<string, RestoringCluster>();
  private readonly touched = new Set<VirtualCluster>();

  constructor(
    private readonly manager: ClusterManager,
    private readonly defaults: Partial<ClusterOptions>,
  ) {}

  private type(key: string): ResourceType | undefined {
    return this.types.get(key);
  }

  apply(r: Record) {
    switch (r.k) {
      case "new":
        this.creating.set(r.h.id, new RestoringCluster(r.h, this.defaults));
        return;
      case "objs": {
        const rc = this.creating.get(r.c);
        if (!rc) return;
        for (const { t, o } of r.l) {
          const type = this.type(t);
          if (type) rc.put(type, o);
        }
        return;
      }
      case "sealed": {
        const rc = this.creating.get(r.c);
        if (!rc) return;
        this.creating.delete(r.c);
        rc.finish(this.manager);
        return;
      }
      case "drop":
        this.manager.delete(r.c);
        return;
      case "net": {
        const c = this.manager.get(r.c);
        if (c) c.network.rules = [...r.r];
        return;
      }
      case "ev":
        this.event(r);
        return;
    }
  }

  /**
   * Make the change again with its own resourceVersion. It goes through the store as a change
   * (not silently), so it enters the watch history: a client that watched from a version after
   * the snapshot resumes where it was.
   */
  private event(r: Extract<Record, { k: "ev" }>) {
    const c = this.manager.get(r.c);
    const t = this.type(r.t);
    if (!c || !t) return;
    const rv = Number(r.o.metadata.resourceVersion);
    if (!(rv > c.store.rv)) return;
    c.store.rv = rv - 1;
    if (r.v === "DELETED") c.store.remove(t, r.o.metadata.namespace ?? "", r.o.metadata.name!);
    else c.store.put(t, r.o);
    c.store.rv = rv;
    this.touched.add(c);
  }

  /** A creation without its `sealed` record was cut short by the crash: it never was. */
  finish() {
    for (const rc of this.creating.values()) rc.cluster.close();
    for (const c of this.touched) {
      reclaimAddresses(c);
      c.controllers.resyncAll();
    }
  }
}
