import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createSubscriberConnection, createWorkerConnection, producerConnection } from "./connection";

// A SUBSCRIBE sent as soon as the connection is up, before ioredis's own handshake: the moment a
// live page subscribes while the process's subscriber is still connecting.
const opened: Redis[] = [];
afterAll(() => {
  for (const r of opened) r.disconnect();
  producerConnection().disconnect();
});

async function subscribeOnConnect(make: () => Redis, channel: string): Promise<{ errors: string[]; received: string[] }> {
  const redis = make();
  opened.push(redis);
  const errors: string[] = [];
  const received: string[] = [];
  redis.on("error", (e: Error) => errors.push(e.message));
  redis.on("message", (_c: string, text: string) => received.push(text));
  await new Promise<void>((resolve) =>
    redis.once("connect", () => {
      redis.subscribe(channel).then(
        () => resolve(),
        (e: Error) => {
          errors.push(e.message);
          resolve();
        },
      );
    }),
  );
  await new Promise((r) => setTimeout(r, 200)); // the handshake's answers, if any, arrive
  await producerConnection().publish(channel, "hello");
  await new Promise((r) => setTimeout(r, 200));
  return { errors, received };
}

describe("the subscriber connection", () => {
  it("takes a subscription made while it is still connecting, and delivers messages", async () => {
    const got = await subscribeOnConnect(createSubscriberConnection, `pystol-test-sub-${process.pid}-a`);
    expect(got.errors).toEqual([]);
    expect(got.received).toEqual(["hello"]);
  });

  it("is needed: a connection with ioredis's handshake refuses its own ready check in that moment", async () => {
    const got = await subscribeOnConnect(() => createWorkerConnection({ retryStrategy: () => null }), `pystol-test-sub-${process.pid}-b`);
    expect(got.errors.some((e) => e.includes("Connection in subscriber mode"))).toBe(true);
  });
});
