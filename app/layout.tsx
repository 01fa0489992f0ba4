import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Pystol", template: "%s · Pystol" },
  description:
    "Fault injection for Kubernetes: kill pods, drain nodes, test the network, and share what you learn.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: its scripts carry the nonce of this request's
  // Content-Security-Policy (proxy.ts), which a page prerendered at build time cannot.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
