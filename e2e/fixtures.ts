import { test as base } from "@playwright/test";

let counter = 0;

// Sign-in and sign-up are rate-limited per client address. Every test presents an address of
// its own in X-Forwarded-For (the browser-test stack trusts one proxy hop, played by the test
// runner: playwright.config.ts), so tests neither share counters nor trip each other's limits.
export const test = base.extend({
  extraHTTPHeaders: async ({}, provide, testInfo) => {
    counter += 1;
    await provide({
      "x-forwarded-for": `10.${testInfo.workerIndex % 250}.${Math.floor(counter / 250)}.${(counter % 250) + 1}`,
    });
  },
});

export { expect } from "@playwright/test";
