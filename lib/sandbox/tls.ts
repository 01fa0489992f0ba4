import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import forge from "node-forge";

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

function rsaPair() {
  // Node's native generator is far faster than forge's pure-JS one.
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
  };
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString("hex");
}

function createCa() {
  const keys = rsaPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600_000);
  const attrs = [{ name: "commonName", value: "pystol-sandbox-ca" }, { name: "organizationName", value: "Pystol" }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

function createServerCert(caCertPem: string, caKeyPem: string, sans: string[]) {
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const keys = rsaPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 2 * 365 * 24 * 3600_000);
  cert.setSubject([{ name: "commonName", value: "pystol-sandbox" }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: sans.map((s) => (isIP(s) ? { type: 7, ip: s } : { type: 2, value: s })),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/**
 * The sandbox's certificate authority and serving certificate. With a directory, the CA is kept
 * there so that kubeconfigs already handed out stay valid across restarts.
 */
export function loadOrCreateTls(dir: string | null, extraSans: string[] = []): TlsMaterial {
  const sans = [...new Set(["localhost", "127.0.0.1", "::1", ...extraSans.filter(Boolean)])];
  let ca: { certPem: string; keyPem: string };
  if (dir) {
    const certFile = path.join(dir, "ca.crt");
    const keyFile = path.join(dir, "ca.key");
    if (existsSync(certFile) && existsSync(keyFile)) {
      ca = { certPem: readFileSync(certFile, "utf8"), keyPem: readFileSync(keyFile, "utf8") };
    } else {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      ca = createCa();
      writeFileSync(certFile, ca.certPem, { mode: 0o644 });
      writeFileSync(keyFile, ca.keyPem, { mode: 0o600 });
    }
  } else ca = createCa();
  const server = createServerCert(ca.certPem, ca.keyPem, sans);
  return { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
}
