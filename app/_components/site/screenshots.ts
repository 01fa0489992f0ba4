// Screenshots of the product on the landing page, made by `npm run screenshots` against the
// running stack (scripts/screenshots.ts) at these sizes and committed under public/screenshots/,
// each also as NAME-dark.png in the dark theme.
export interface Screenshot {
  src: string;
  alt: string;
  caption: string;
  width: number;
  height: number;
}

export const SCREENSHOTS: Screenshot[] = [
  {
    src: "/screenshots/trial.png",
    alt: "A new trial: the sandbox cluster and the first-experiment guide",
    caption: "Try it now: a private sandbox cluster with a demo shop, and a guide to your first experiment",
    width: 1280,
    height: 800,
  },
  {
    src: "/screenshots/shared.png",
    alt: "A shared pod-kill result, opened without an account",
    caption: "A shared result: outcome, parameters, timeline and the objects hit, for anyone with the link",
    width: 1280,
    height: 800,
  },
  {
    src: "/screenshots/plan.png",
    alt: "The run page with the dry run of a pod kill",
    caption: "Plan first: the dry run lists exactly which pods a run would delete",
    width: 1280,
    height: 1300,
  },
  {
    src: "/screenshots/result.png",
    alt: "A finished pod-kill run with its steps, log and the replacement pod",
    caption: "The run: steps, live log, and the pod the deployment started in its place",
    width: 1280,
    height: 1300,
  },
];

/** The dark theme's copy of a screenshot. */
export const darkSrc = (src: string) => src.replace(/\.png$/, "-dark.png");
