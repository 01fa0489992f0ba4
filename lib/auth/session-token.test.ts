import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeSessionToken, sessionTokenFromCookies } from "./session-token";

const SECRET = "a-test-secret-of-more-than-thirty-two-characters";

describe("decodeSessionToken", () => {
  it("opens a token next-auth encoded and gives its uid and session version", async () => {
    const token = await encode({ secret: SECRET, maxAge: 3600, token: { sub: "u1", name: "A", email: "a@example.com", uid: "u1", sv: 3 } });
    expect(await decodeSessionToken(token, SECRET)).toEqual({ uid: "u1", sv: 3 });
  });

  it("treats an expired token as no session, with next-auth's 15 s of clock tolerance", async () => {
    const token = await encode({ secret: SECRET, maxAge: 60, token: { uid: "u1", sv: 0 } });
    const now = Date.now();
    expect(await decodeSessionToken(token, SECRET, now + 70_000)).toEqual({ uid: "u1", sv: 0 });
    expect(await decodeSessionToken(token, SECRET, now + 80_000)).toBeNull();
  });

  it("refuses a token of another secret, a changed token and text that is no token", async () => {
    const token = await encode({ secret: SECRET, token: { uid: "u1", sv: 0 } });
    expect(await decodeSessionToken(token, `${SECRET}-other`)).toBeNull();
    const parts = token.split(".");
    const ciphertext = Buffer.from(parts[3]!, "base64url");
    ciphertext[0] = ciphertext[0]! ^ 1;
    parts[3] = ciphertext.toString("base64url");
    expect(await decodeSessionToken(parts.join("."), SECRET)).toBeNull();
    expect(await decodeSessionToken("", SECRET)).toBeNull();
    expect(await decodeSessionToken("a.b.c.d.e", SECRET)).toBeNull();
    expect(await decodeSessionToken("not a token", SECRET)).toBeNull();
  });
});

describe("sessionTokenFromCookies", () => {
  it("takes next-auth's cookie, with the __Secure- prefix over HTTPS", () => {
    const cookies = [
      { name: "other", value: "x" },
      { name: "next-auth.session-token", value: "plain" },
      { name: "__Secure-next-auth.session-token", value: "secure" },
    ];
    expect(sessionTokenFromCookies(cookies, false)).toBe("plain");
    expect(sessionTokenFromCookies(cookies, true)).toBe("secure");
    expect(sessionTokenFromCookies([{ name: "other", value: "x" }], false)).toBeNull();
  });

  it("joins a token split into numbered chunks in their order", () => {
    const cookies = [
      { name: "next-auth.session-token.10", value: "k" },
      { name: "next-auth.session-token.1", value: "b" },
      { name: "next-auth.session-token.0", value: "a" },
      { name: "next-auth.session-token.x", value: "ignored" },
    ];
    expect(sessionTokenFromCookies(cookies, false)).toBe("abk");
  });
});
