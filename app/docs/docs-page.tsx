import { SiteFooter, SiteHeader } from "@/app/_components/site/site-header";
import { TryButton } from "@/app/_components/site/try-button";

export interface DocsSection {
  id: string;
  title: string;
  body: React.ReactNode;
}

/** A public docs page: its sections in a side index, the sections, and the sandbox offer. */
export function DocsPage({ title, intro, sections }: { title: string; intro: React.ReactNode; sections: DocsSection[] }) {
  return (
    <>
      <SiteHeader />
      <main className="mx-auto flex max-w-5xl gap-10 px-4 py-12">
        <nav aria-label="Sections" className="hidden w-44 shrink-0 md:block">
          <ul className="sticky top-6 space-y-1 text-sm">
            {sections.map((s) => (
              <li key={s.id}>
                <a href={`#${s.id}`} className="block rounded px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900">
                  {s.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <article className="min-w-0 flex-1">
          <h1 className="text-3xl font-semibold">{title}</h1>
          <p className="mt-3 text-slate-600">{intro}</p>
          {sections.map((s) => (
            <section
              key={s.id}
              id={s.id}
              className="mt-10 scroll-mt-6 space-y-3 leading-7 text-slate-700 [&_a]:font-medium [&_a]:text-brand-600 [&_a:hover]:underline [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:text-sm [&_pre]:overflow-x-auto [&_pre]:rounded-md [&_pre]:bg-slate-900 [&_pre]:p-4 [&_pre]:text-sm [&_pre]:leading-6 [&_pre]:text-slate-100 [&_pre_code]:bg-transparent [&_pre_code]:p-0 [&_pre_code]:text-slate-100 [&_li]:ml-5 [&_ul]:list-disc [&_ul]:space-y-1 [&_table]:w-full [&_table]:text-sm [&_td]:border-t [&_td]:border-slate-200 [&_td]:py-1.5 [&_td]:pr-3 [&_td]:align-top [&_th]:py-1.5 [&_th]:pr-3 [&_th]:text-left [&_th]:font-medium"
            >
              <h2 className="text-xl font-semibold text-slate-900">{s.title}</h2>
              {s.body}
            </section>
          ))}
          <div className="mt-12 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
            <h2 className="font-semibold">Try it on a sandbox cluster</h2>
            <p className="mb-4 mt-1 text-sm text-slate-600">No sign-up, nothing to install.</p>
            <TryButton />
          </div>
        </article>
      </main>
      <SiteFooter />
    </>
  );
}
