/** kubectl's HumanDuration. */
export function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return "<unknown>";
  const sec = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  const min = Math.floor(sec / 60);
  const h = Math.floor(min / 60);
  const d = Math.floor(h / 24);
  if (sec < 120) return `${sec}s`;
  if (min < 10) return sec % 60 ? `${min}m${sec % 60}s` : `${min}m`;
  if (min < 180) return `${min}m`;
  if (h < 8) return min % 60 ? `${h}h${min % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}
