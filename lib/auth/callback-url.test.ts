import { describe, expect, it } from "vitest";
import { redirectOnSite, safeCallbackPath, sameSitePath } from "./callback-url";

const origin = "http://127.0.0.1:3000";

// Each value as the page receives it, decoded from the query string: `%09` is a tab, `%0A` a
// newline, `%0D` a carriage return, `%E3%80%82` the ideographic full stop (a dot in host names).
const hostile = [
  "/\t/127.0.0.1:17080/x",
  "/\n/127.0.0.1:17080/x",
  "/\r/127.0.0.1:17080/x",
  "/\r\n/evil.example",
  "\t//evil.example",
  " //evil.example",
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "\\/evil.example",
  "/\\/evil.example",
  "//evil\u3002example",
  "/\t/evil\u3002example/x",
  "https://evil.example/",
  "http://127.0.0.1:3000.evil.example/",
  "http://127.0.0.1:3001/",
  "https://127.0.0.1:3000/",
  "javascript:alert(1)",
  "data:text/html,hi",
  "/.//evil.example",
  "/x/..//evil.example",
  "",
];

describe("sameSitePath", () => {
  it.each(hostile)("refuses %j, which a browser would follow off the site", (raw) => {
    expect(sameSitePath(raw, origin)).toBeNull();
    expect(safeCallbackPath(raw, origin)).toBe("/");
  });

  it("refuses what is not a string, and over-long values", () => {
    expect(sameSitePath(undefined, origin)).toBeNull();
    expect(sameSitePath(["/t/a", "/t/b"], origin)).toBeNull();
    expect(sameSitePath(`/${"a".repeat(3000)}`, origin)).toBeNull();
  });

  it("keeps paths on this site, with their query and fragment", () => {
    expect(sameSitePath("/t/shop/runs?cluster=demo#top", origin)).toBe("/t/shop/runs?cluster=demo#top");
    expect(sameSitePath("/invite/abc", origin)).toBe("/invite/abc");
    expect(sameSitePath("http://127.0.0.1:3000/t/shop", origin)).toBe("/t/shop");
    expect(sameSitePath("/%2F/evil.example", origin)).toBe("/%2F/evil.example");
    // Same scheme, no host: the browser reads it as a path on this site too.
    expect(sameSitePath("http:evil.example", origin)).toBe("/evil.example");
  });

  it("every path it returns resolves to this site, as a browser reads a Location header", () => {
    const kept = ["/t/shop", "/a/../b", "/%09/x", "/a//b"].map((p) => sameSitePath(p, origin));
    for (const p of kept) {
      expect(p).not.toBeNull();
      expect(new URL(p!, "https://elsewhere.example").host).toBe("elsewhere.example");
    }
  });
});

describe("redirectOnSite (next-auth's redirect callback)", () => {
  it("answers absolute addresses on this site and sends everything else to its root", () => {
    expect(redirectOnSite("/t/shop", origin)).toBe(`${origin}/t/shop`);
    expect(redirectOnSite(`${origin}/t/shop?x=1`, origin)).toBe(`${origin}/t/shop?x=1`);
    expect(redirectOnSite("/\t/127.0.0.1:17080/x", origin)).toBe(`${origin}/`);
    expect(redirectOnSite("https://evil.example/x", origin)).toBe(`${origin}/`);
  });
});
