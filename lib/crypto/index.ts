// Secrets: random tokens and their hashes, and (secret-box) encryption at rest.
export { generateToken, hashToken, isTokenOf, safeEqual, verifyToken } from "./tokens";
export { SecretBoxError, open, reseal, seal, sealedKeyId, type SealOptions } from "./secret-box";
export { keyRingFromEnv, parseKeyRing, type KeyRing } from "./key-ring";
