import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { crc32 } from "node:zlib";

/**
 * The sandbox's write-ahead journal (etcd's WAL in miniature): records appended in memory, written
 * and made durable (fdatasync) in groups. Whoever must not answer before its change is on disk
 * awaits sync(); everything appended while one flush runs shares the next one, so a hundred
 * concurrent writes cost two or three fdatasyncs, not a hundred.
 *
 * On disk: segment files `<first seq, 16 digits>.wal` in one directory, each a sequence of records
 * `[u32 LE payload length][u32 LE crc32(payload)][payload]`. Records carry consecutive sequence
 * numbers (the payload's own business: see durable.ts); a snapshot records the last one it
 * contains, after which older segments are deleted (compaction).
 */

const HEADER = 8;
/** A record longer than this is not one of ours: a torn or overwritten length. */
const MAX_RECORD = 1 << 30;
/** Writes nobody awaits (controllers') still reach the disk within this long. */
const IDLE_FLUSH_MS = 50;

export class JournalCorrupt extends Error {}

export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, HEADER);
  return out;
}

export interface SegmentRead {
  file: string;
  records: Buffer[];
  /** Bytes after the last whole, intact record (a crash in the middle of an append). */
  tornBytes: number;
}

/**
 * The intact records of one segment. A record that is cut short or fails its checksum ends the
 * segment: in the last segment that is the torn tail of an append that was never acknowledged
 * (a batch is acknowledged only after its fdatasync); in an earlier one it is damage to data that
 * was acknowledged, which the caller refuses (`last` false).
 */
export function readSegment(file: string, last: boolean): SegmentRead {
  const buf = readFileSync(file);
  const records: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    const rest = buf.length - at;
    const len = rest >= HEADER ? buf.readUInt32LE(at) : -1;
    const whole = len > 0 && len <= MAX_RECORD && rest >= HEADER + len;
    const payload = whole ? buf.subarray(at + HEADER, at + HEADER + len) : null;
    if (!payload || crc32(payload) !== buf.readUInt32LE(at + 4)) {
      if (!last) throw new JournalCorrupt(`journal segment ${path.basename(file)} is damaged at byte ${at} of ${buf.length}, before later segments`);
      return { file, records, tornBytes: rest };
    }
    records.push(payload);
    at += HEADER + len;
  }
  return { file, records, tornBytes: 0 };
}

const SEGMENT = /^(\d{16})\.wal$/;
const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(16, "0")}.wal`;

/** Segment files of a journal directory, oldest first. */
export function listSegments(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => SEGMENT.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every intact record of a journal directory, in order, and the torn bytes at its end. */
export function readJournal(dir: string): { records: Buffer[]; tornBytes: number } {
  const files = listSegments(dir);
  const records: Buffer[] = [];
  let tornBytes = 0;
  files.forEach((f, i) => {
    const s = readSegment(f, i === files.length - 1);
    records.push(...s.records);
    tornBytes = s.tornBytes;
  });
  return { records, tornBytes };
}

/** fsync a directory, so that a file created, renamed or deleted in it stays so after a crash. */
export function syncDir(dir: string) {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

interface Batch {
  fh: Promise<FileHandle>;
  bufs: Buffer[];
  bytes: number;
  /** Sequence number of the last record in this batch. */
  upto: number;
  /** The segment was rotated away: close it once this batch is on disk. */
  last: boolean;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface JournalStats {
  records: number;
  bytes: number;
  flushes: number;
}

/** The appending side of the journal: group commit over async writes and fdatasync. */
export class JournalWriter {
  private seq: number;
  private durableSeq: number;
  private fh: Promise<FileHandle>;
  private queue: Batch[] = [];
  private waiters: Waiter[] = [];
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;
  private failed: Error | null = null;
  readonly stats: JournalStats = { records: 0, bytes: 0, flushes: 0 };

  /**
   * Opens a new segment after `lastSeq` (the last record already safe in a snapshot or earlier
   * segment). `onFailure` hears of a write or fdatasync that failed: the process can no longer
   * promise durability and should stop (etcd panics), to be restarted from what is on disk.
   */
  constructor(
    private readonly dir: string,
    lastSeq: number,
    private readonly onFailure: (e: Error) => void,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.seq = lastSeq;
    this.durableSeq = lastSeq;
    this.fh = this.openSegment(lastSeq + 1);
  }

  private openSegment(firstSeq: number): Promise<FileHandle> {
    const p = open(path.join(this.dir, segmentName(firstSeq)), "a", 0o600).then((fh) => {
      syncDir(this.dir);
      return fh;
    });
    p.catch(() => undefined);
    return p;
  }

  /** The sequence number of the last record appended. */
  get position(): number {
    return this.seq;
  }

  /** Append one record (framed here); returns its sequence number. Durable once sync() resolves. */
  append(payload: Buffer): number {
    if (this.failed) throw this.failed;
    const rec = frame(payload);
    this.seq++;
    let b = this.queue.at(-1);
    if (!b || b.last || b.fh !== this.fh) {
      b = { fh: this.fh, bufs: [], bytes: 0, upto: this.seq, last: false };
      this.queue.push(b);
    }
    b.bufs.push(rec);
    b.bytes += rec.length;
    b.upto = this.seq;
    this.stats.records++;
    this.stats.bytes += rec.length;
    if (!this.timer && !this.flushing) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, IDLE_FLUSH_MS);
      this.timer.unref();
    }
    return this.seq;
  }

  /** Resolves once every record appended so far is on disk. */
  sync(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.durableSeq >= this.seq) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq: this.seq, resolve, reject });
      void this.flush();
    });
  }

  /**
   * Start a new segment for the records that follow; the current one is closed once what it holds
   * is on disk. Returns the sequence number of the last record of the old segment.
   */
  rotate(): number {
    const upto = this.seq;
    this.queue.push({ fh: this.fh, bufs: [], bytes: 0, upto, last: true });
    this.fh = this.openSegment(upto + 1);
    return upto;
  }

  /** Delete the segments whose records all come at or before `seq` (they are in a snapshot), after rotate(). */
  dropUpTo(seq: number) {
    // Only the current segment (begun after the last rotate()) can hold records after `seq`.
    for (const f of listSegments(this.dir)) if (Number(SEGMENT.exec(path.basename(f))![1]) <= seq) unlinkSync(f);
    syncDir(this.dir);
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.failed) return;
    this.flushing = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    try {
      // Whatever is appended while a batch is on its way waits for the next turn of this loop:
      // that is the group commit.
      while (this.queue.length) {
        const batches = this.queue;
        this.queue = [];
        for (const b of batches) {
          const fh = await b.fh;
          if (b.bytes) {
            const buf = b.bufs.length === 1 ? b.bufs[0]! : Buffer.concat(b.bufs, b.bytes);
            for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
            await fh.datasync();
            this.stats.flushes++;
          }
          if (b.last) await fh.close();
          this.durableSeq = Math.max(this.durableSeq, b.upto);
        }
        this.release();
      }
    } catch (e) {
      this.failed = e instanceof Error ? e : new Error(String(e));
      for (const w of this.waiters) w.reject(this.failed);
      this.waiters = [];
      this.onFailure(this.failed);
    } finally {
      this.flushing = false;
    }
  }

  private release() {
    if (!this.waiters.length) return;
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.seq <= this.durableSeq) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  /** Flush what is left and close the current segment. */
  async close(): Promise<void> {
    await this.sync().catch(() => undefined);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const fh = await this.fh.catch(() => null);
    await fh?.close().catch(() => undefined);
  }
}
