// Screenshots of the product on the landing page, made by `npm run screenshots` against the
// running stack (scripts/screenshots.ts) and committed under public/screenshots/.
export interface Screenshot {
  src: string;
  alt: string;
  caption: string;
  width: number;
  height: number;
}

export const SCREENSHOTS: Screenshot[] = [
  {
    src: "/screenshots/dashboard.png",
    alt: "A team's overview in Pystol",
    caption: "A team's overview: clusters, runs and what is running now",
    width: 1280,
    height: 800,
  },
];
