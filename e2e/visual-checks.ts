// Layout checks that run inside the page (passed to page.evaluate, so self-contained): what a
// person would see as broken at this window size, one sentence per problem.
//   - the page is wider than the window (it scrolls sideways);
//   - a box with hidden overflow cuts its content off (unless it ends the text with "…");
//   - text reaches outside the box it sits in (border, background or clipping), where that box
//     does not scroll;
//   - text smaller than 11 px (SVG text measured as drawn, after the drawing's scaling).
export function findLayoutProblems(): string[] {
  const problems: string[] = [];
  const MIN_FONT_PX = 11;
  const name = (el: Element): string => {
    const id = el.getAttribute("data-testid") ?? el.getAttribute("aria-label") ?? "";
    const text = (el.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}${id ? ` "${id}"` : ""}> "${text}"`;
  };
  const visible = (el: Element, cs: CSSStyleDeclaration): boolean => {
    if (cs.display === "none" || cs.visibility === "hidden" || Number(cs.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    // Screen-reader-only text is a 1 px box on purpose.
    return r.width > 1 && r.height > 1;
  };
  const clips = (cs: CSSStyleDeclaration) => cs.overflowX !== "visible";
  const scrolls = (cs: CSSStyleDeclaration) => cs.overflowX === "auto" || cs.overflowX === "scroll";
  const isBox = (cs: CSSStyleDeclaration) =>
    clips(cs) ||
    (parseFloat(cs.borderLeftWidth) > 0 && parseFloat(cs.borderRightWidth) > 0 && cs.display !== "inline") ||
    (cs.backgroundColor !== "rgba(0, 0, 0, 0)" && cs.backgroundColor !== "transparent" && cs.display !== "inline");

  const root = document.scrollingElement ?? document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    problems.push(`the page is ${root.scrollWidth} px wide in a ${window.innerWidth} px window`);
  }

  for (const el of Array.from(document.body.querySelectorAll("*"))) {
    if (el instanceof SVGElement && !(el instanceof SVGSVGElement)) continue;
    const cs = getComputedStyle(el);
    if (!visible(el, cs) || !clips(cs) || scrolls(cs) || cs.textOverflow === "ellipsis") continue;
    // A rounded bar or badge that clips its corners is fine; cut-off content is not.
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      problems.push(`${name(el)} cuts off its content (${el.scrollWidth} px in ${el.clientWidth} px)`);
    }
  }

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent?.trim()) continue;
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, noscript, title, [aria-hidden='true'] title")) continue;
    const cs = getComputedStyle(parent);
    if (!visible(parent, cs)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;

    let size = parseFloat(cs.fontSize);
    if (parent instanceof SVGGraphicsElement) size *= Math.abs(parent.getScreenCTM()?.d ?? 1);
    if (size < MIN_FONT_PX - 0.05) problems.push(`${name(parent)} has ${size.toFixed(1)} px text`);

    // The nearest box around the text; text that ends in "…" is cut on purpose.
    let box: Element | null = parent;
    let truncated = false;
    while (box && box !== document.body) {
      const bcs = getComputedStyle(box);
      if (bcs.textOverflow === "ellipsis") truncated = true;
      if (isBox(bcs)) break;
      box = box.parentElement;
    }
    if (!box || box === document.body || truncated || box instanceof SVGElement) continue;
    const bcs = getComputedStyle(box);
    if (scrolls(bcs)) continue;
    const b = box.getBoundingClientRect();
    if (rect.right > b.right + 1 || rect.left < b.left - 1) {
      problems.push(`text ${name(parent)} runs out of its box ${name(box)} (${Math.round(rect.left)}–${Math.round(rect.right)} px, box ${Math.round(b.left)}–${Math.round(b.right)} px)`);
    }
  }
  return [...new Set(problems)];
}
