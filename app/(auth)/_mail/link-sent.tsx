import type { ReactNode } from "react";
import { Alert } from "@/app/_components/ui";
import type { LinkDelivery } from "@/lib/auth/register-account";

/**
 * What a person sees after asking for a mailed link. Worded the same whether or not the
 * address has an account. Without a mail server it says so plainly: the link is in the log.
 */
export function LinkSent({ email, delivery, children }: { email: string; delivery: LinkDelivery; children: ReactNode }) {
  // Without a mail server nothing was sent, so the page must not say "we sent a mail".
  if (delivery === "log")
    return (
      <div className="space-y-3" data-testid="link-sent">
        <Alert tone="amber">
          <p className="font-medium">This installation has no mail server configured, so no mail was sent.</p>
          <p className="mt-1">
            The link for <strong className="break-all">{email}</strong> was written to the server&apos;s log instead. Ask
            the operator of this installation for it (or to set <code>SMTP_URL</code>), then open it to go on.
          </p>
        </Alert>
      </div>
    );
  return (
    <div className="space-y-3" data-testid="link-sent">
      <Alert tone="green">
        <p className="font-medium">Check your inbox.</p>
        <p className="mt-1">
          We sent a mail to <strong className="break-all">{email}</strong>. {children}
        </p>
      </Alert>
      <p className="text-xs text-slate-500">No mail after a few minutes? Look in the spam folder, or try again.</p>
    </div>
  );
}
