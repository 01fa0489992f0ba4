import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { type KeyRing, keyRingFromEnv } from "./key-ring";

// Sealed layout, all in one Buffer so a single column holds it:
//   [0] version (1) | [1] kid length n | [2..2+n) kid (ASCII) | 12-byte IV | 16-byte tag | ciphertext
// The header and the caller's context are authenticated as additional data, so neither the
// key id nor the purpose can be swapped without the open failing.
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealOptions {
  /** What the secret is for ("kubeconfig", "webhook-secret", ...); must match on open. */
  context?: string;
  ring?: KeyRing;
}

/** Why a sealed value could not be opened. Never carries key or plaintext material. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretBoxError";
  }
}

/** Encrypts with AES-256-GCM under the ring's current key. */
export function seal(plaintext: string | Uint8Array, options: SealOptions = {}): Buffer {
  const ring = options.ring ?? keyRingFromEnv();
  const kid = Buffer.from(ring.currentId, "ascii");
  const header = Buffer.concat([Buffer.from([VERSION, kid.length]), kid]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", ring.keys.get(ring.currentId)!, iv);
  cipher.setAAD(aad(header, options.context));
  const body = Buffer.concat([
    cipher.update(typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext),
    cipher.final(),
  ]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
}

/** Decrypts a value from `seal`, with whichever ring key sealed it. */
export function open(sealed: Uint8Array, options: SealOptions = {}): Buffer {
  const ring = options.ring ?? keyRingFromEnv();
  const { header, kid, iv, tag, body } = split(sealed);
  const key = ring.keys.get(kid);
  if (!key) throw new SecretBoxError(`sealed with key "${kid}", which is not in PYSTOL_ENCRYPTION_KEYS`);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(aad(header, options.context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new SecretBoxError(
      "the sealed value failed authentication (wrong key, wrong context or altered data)",
    );
  }
}

/** The id of the key that sealed `sealed`; stored beside the ciphertext for rotation queries. */
export function sealedKeyId(sealed: Uint8Array): string {
  return split(sealed).kid;
}

/** Opens with any known key and seals again under the current one (key rotation). */
export function reseal(sealed: Uint8Array, options: SealOptions = {}): Buffer {
  return seal(open(sealed, options), options);
}

function aad(header: Buffer, context = ""): Buffer {
  return Buffer.concat([header, Buffer.from(context, "utf8")]);
}

function split(sealed: Uint8Array) {
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (buf.length < 2 || buf[0] !== VERSION) throw new SecretBoxError("not a sealed value of a known version");
  const n = buf[1]!;
  const start = 2 + n;
  if (n === 0 || buf.length < start + IV_BYTES + TAG_BYTES)
    throw new SecretBoxError("the sealed value is truncated");
  return {
    header: buf.subarray(0, start),
    kid: buf.subarray(2, start).toString("ascii"),
    iv: buf.subarray(start, start + IV_BYTES),
    tag: buf.subarray(start + IV_BYTES, start + IV_BYTES + TAG_BYTES),
    body: buf.subarray(start + IV_BYTES + TAG_BYTES),
  };
}
