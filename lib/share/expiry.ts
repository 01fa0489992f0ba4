import { z } from "zod";

/** The lifetimes a share link may have; "never" keeps it until it is revoked. */
export const SHARE_EXPIRIES = ["1d", "7d", "30d", "never"] as const;
export type ShareExpiry = (typeof SHARE_EXPIRIES)[number];

export const shareExpirySchema = z.enum(SHARE_EXPIRIES).describe("How long the link works: 1d, 7d, 30d or never");

export const SHARE_EXPIRY_LABELS: Record<ShareExpiry, string> = {
  "1d": "1 day",
  "7d": "7 days",
  "30d": "30 days",
  never: "Never",
};

const DAY_MS = 24 * 3600 * 1000;
const DAYS: Record<ShareExpiry, number | null> = { "1d": 1, "7d": 7, "30d": 30, never: null };

/** When a link created at `now` with this lifetime stops working, or null for never. */
export function expiresAtFor(expiry: ShareExpiry, now = new Date()): Date | null {
  const days = DAYS[expiry];
  return days === null ? null : new Date(now.getTime() + days * DAY_MS);
}

/** Whether a link is usable right now. */
export function isLive(link: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): boolean {
  return !link.revokedAt && (!link.expiresAt || link.expiresAt > now);
}
