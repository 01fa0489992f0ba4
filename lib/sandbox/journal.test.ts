import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { frame, JournalCorrupt, JournalWriter, readJournal } from "./journal";

const dirs: string[] = [];
const newDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "journal-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const texts = (records: Buffer[]) => records.map((r) => r.toString());
const failOnError = (e: Error) => {
  throw e;
};

describe("journal", () => {
  it("reads back every record appended and synced, in order", async () => {
    const dir = newDir();
    const w = new JournalWriter(dir, 0, failOnError);
    for (let i = 1; i <= 5; i++) w.append(Buffer.from(`r${i}`));
    await w.sync();
    await w.close();
    expect(texts(readJournal(dir).records)).toEqual(["r1", "r2", "r3", "r4", "r5"]);
  });

  it("commits concurrent writes in groups: fewer fdatasyncs than writes, each write durable when its sync resolves", async () => {
    const dir = newDir();
    const w = new JournalWriter(dir, 0, failOnError);
    const acked: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        w.append(Buffer.from(`w${i}`));
        return w.sync().then(() => {
          acked.push(i);
          // What was acknowledged is in the file already.
          expect(readJournal(dir).records.length).toBeGreaterThanOrEqual(i + 1);
        });
      }),
    );
    expect(acked).toHaveLength(200);
    expect(w.stats.flushes).toBeLessThan(200);
    await w.close();
  });

  it("ignores a torn last record (cut short, or failing its checksum) and keeps what came before", () => {
    const dir = newDir();
    const seg = path.join(dir, "0000000000000001.wal");
    const whole = Buffer.concat([frame(Buffer.from("a")), frame(Buffer.from("b"))]);
    const next = frame(Buffer.from("c-long-record"));
    writeFileSync(seg, Buffer.concat([whole, next.subarray(0, next.length - 4)]));
    expect(readJournal(dir)).toEqual({ records: [Buffer.from("a"), Buffer.from("b")], tornBytes: next.length - 4 });
    const flipped = Buffer.from(next);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 0xff, flipped.length - 1);
    writeFileSync(seg, Buffer.concat([whole, flipped]));
    expect(texts(readJournal(dir).records)).toEqual(["a", "b"]);
    // Only the header of a record, or less.
    writeFileSync(seg, Buffer.concat([whole, next.subarray(0, 5)]));
    expect(texts(readJournal(dir).records)).toEqual(["a", "b"]);
  });

  it("refuses damage in a segment that later segments follow: that data was acknowledged", () => {
    const dir = newDir();
    const bad = frame(Buffer.from("x"));
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    writeFileSync(path.join(dir, "0000000000000001.wal"), Buffer.concat([frame(Buffer.from("a")), bad]));
    writeFileSync(path.join(dir, "0000000000000003.wal"), frame(Buffer.from("c")));
    expect(() => readJournal(dir)).toThrow(JournalCorrupt);
  });

  it("rotates to a new segment and drops the segments a snapshot covers", async () => {
    const dir = newDir();
    const w = new JournalWriter(dir, 10, failOnError);
    w.append(Buffer.from("11"));
    w.append(Buffer.from("12"));
    expect(w.rotate()).toBe(12);
    w.append(Buffer.from("13"));
    await w.sync();
    expect(readdirSync(dir).sort()).toEqual(["0000000000000011.wal", "0000000000000013.wal"]);
    w.dropUpTo(12);
    expect(readdirSync(dir)).toEqual(["0000000000000013.wal"]);
    expect(texts(readJournal(dir).records)).toEqual(["13"]);
    await w.close();
  });

  it("reports a failed write to the process and rejects the writes waiting on it", async () => {
    const dir = newDir();
    const failures: Error[] = [];
    const w = new JournalWriter(dir, 0, (e) => failures.push(e));
    await w.sync();
    rmSync(dir, { recursive: true, force: true });
    // A segment that can no longer be opened: rotate into a directory that is gone.
    w.rotate();
    w.append(Buffer.from("lost"));
    await expect(w.sync()).rejects.toThrow();
    expect(failures).toHaveLength(1);
    expect(() => w.append(Buffer.from("more"))).toThrow();
  });
});
