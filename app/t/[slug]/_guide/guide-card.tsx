"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import type { Guide, GuideStep } from "@/lib/trials/guide";
import { CART_POD_EXPERIMENT, ZONE_EXPERIMENT } from "@/lib/trials/trial-experiment-names";
import { FollowRunChanges } from "../runs/follow-run-changes";
import { updateGuideAction } from "./actions";

interface StepView {
  id: GuideStep;
  title: string;
  text: string;
  links: { href: string; label: string }[];
  /** Steps the data cannot show are ticked by the visitor. */
  manual: boolean;
}

function steps(slug: string, guide: Guide): StepView[] {
  const base = `/t/${slug}/experiments`;
  const pass = guide.passId ? `${base}/${guide.passId}` : base;
  const trip = guide.tripId ? `${base}/${guide.tripId}` : base;
  return [
    {
      id: "run",
      title: "Run an experiment that passes",
      text: `Open “${CART_POD_EXPERIMENT}” and run it. It kills a cart pod three times while a check asks for checkout every 2 seconds; the other cart replica takes the load.`,
      links: [{ href: pass, label: "Open the experiment" }],
      manual: false,
    },
    {
      id: "verdict",
      title: "Read its verdict",
      text: "When it ends, its page shows the verdict, the score and each check's values over time: checkout stayed under 300 ms, and cart was back to two replicas.",
      links: [{ href: pass, label: "See the verdict" }],
      manual: true,
    },
    {
      id: "trip",
      title: "Run one that trips its stop condition",
      text: `Run “${ZONE_EXPERIMENT}”. Zone-a's nodes are drained and the frontend keeps one replica; checkout starts failing, its check trips, and both faults are rolled back at once. It touches more than the team's confirmation threshold: type its name when asked.`,
      links: [{ href: trip, label: "Open the experiment" }],
      manual: false,
    },
    {
      id: "share",
      title: "Share it",
      text: "On an execution's page, create a share link: anyone with it sees the verdict and the checks, without an account.",
      links: [{ href: trip, label: "Go to the experiment" }],
      manual: false,
    },
  ];
}

function useGuideChange(slug: string) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const change = (c: { dismissed: boolean } | { tick: GuideStep }) =>
    start(async () => {
      await updateGuideAction(slug, c);
      router.refresh();
    });
  return { pending, change };
}

/**
 * The guided first experiment: four steps, the current one open; hide it at any time. It
 * follows the team's runs (the experiments' faults are runs) until the second experiment has
 * ended, since it sits in the layout, which a navigation does not redraw.
 */
export function GuideCard({ slug, guide, drawnAt }: { slug: string; guide: Guide; drawnAt: string }) {
  const { pending, change } = useGuideChange(slug);
  const list = steps(slug, guide);
  const doneCount = list.filter((s) => guide.done[s.id]).length;
  return (
    <section aria-label="First experiment" className="rounded-lg border border-brand-100 bg-white p-4 shadow-sm">
      {guide.done.trip ? null : <FollowRunChanges slug={slug} since={drawnAt} />}
      <div className="flex items-start justify-between gap-4">
        <div>
          <h2 className="font-semibold">{guide.current ? "Your first experiment" : "First experiment done"}</h2>
          <p className="text-sm text-slate-600">
            {guide.current ? `${doneCount} of ${list.length} steps done.` : "You broke something on purpose, saw a check keep the damage short, and shared what happened."}
          </p>
        </div>
        <button type="button" disabled={pending} onClick={() => change({ dismissed: true })} className="rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-100">
          Hide guide
        </button>
      </div>
      <div className="mt-3 h-1.5 overflow-hidden rounded-full bg-slate-100" aria-hidden>
        <div className="h-full bg-brand-600 transition-all" style={{ width: `${(doneCount / list.length) * 100}%` }} />
      </div>
      <ol className="mt-3 space-y-2 max-md:mt-2">
        {list.map((s, i) => {
          const done = guide.done[s.id];
          const current = guide.current === s.id;
          return (
            // On a phone only the current step shows, so the guide does not fill the first screen.
            <li key={s.id} data-testid={`guide-step-${s.id}`} data-done={done} className={`rounded-md px-3 py-2 text-sm ${current ? "bg-brand-50" : "hidden md:block"}`}>
              <div className="flex items-center gap-2">
                <span aria-hidden className={`flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${done ? "bg-emerald-600 text-white" : "bg-slate-200 text-slate-700"}`}>
                  {done ? "✓" : i + 1}
                </span>
                <span className={`font-medium ${done ? "text-slate-500 line-through" : ""}`}>{s.title}</span>
                {done ? <span className="sr-only">(done)</span> : null}
              </div>
              {current ? (
                <div className="ml-7 mt-1 space-y-2">
                  <p className="text-slate-700">{s.text}</p>
                  <div className="flex flex-wrap items-center gap-2">
                    {s.links.map((l) => (
                      <Link key={l.href + l.label} href={l.href} className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700">
                        {l.label}
                      </Link>
                    ))}
                    {s.manual ? (
                      <button type="button" disabled={pending} onClick={() => change({ tick: s.id })} className="rounded-md px-3 py-1.5 font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50">
                        Done, next step
                      </button>
                    ) : null}
                  </div>
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Shown while the guide is hidden: one click brings it back where it was. */
export function ResumeGuide({ slug }: { slug: string }) {
  const { pending, change } = useGuideChange(slug);
  return (
    <div className="flex justify-end">
      <button type="button" disabled={pending} onClick={() => change({ dismissed: false })} className="rounded-md px-2 py-1 text-sm font-medium text-brand-600 hover:bg-brand-50">
        Resume the first-experiment guide
      </button>
    </div>
  );
}
