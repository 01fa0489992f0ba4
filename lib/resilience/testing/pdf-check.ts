import { createCanvas } from "@napi-rs/canvas";

// Opens a PDF the way a reader does, for tests: pdf.js (the library Firefox uses) parses it,
// gives each page's text, and draws a page onto a canvas so a test can tell a drawn page from a
// blank one.

async function open(bytes: Uint8Array) {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjs.getDocument({ data: bytes.slice(), useSystemFonts: true, isEvalSupported: false, disableFontFace: true }).promise;
}

/** Each page's text, in order. */
export async function pdfPages(bytes: Uint8Array): Promise<{ text: string }[]> {
  const doc = await open(bytes);
  try {
    const pages: { text: string }[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      pages.push({ text: content.items.map((it) => ("str" in it ? it.str : "")).join(" ").replace(/\s+/g, " ") });
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

/** Draws one page (1-based) at 1×, and says how much of it is ink (not white) and how many pixels are coloured. */
export async function renderPdfPage(bytes: Uint8Array, pageNumber: number): Promise<{ width: number; height: number; inkShare: number; colouredPixels: number; png: Buffer }> {
  const doc = await open(bytes);
  try {
    const page = await doc.getPage(pageNumber);
    const viewport = page.getViewport({ scale: 1 });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    // pdf.js draws on any 2D context; @napi-rs/canvas's is one.
    await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport }).promise;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (r < 235 || g < 235 || b < 235) ink++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    }
    return { width: canvas.width, height: canvas.height, inkShare: ink / (data.length / 4), colouredPixels: coloured, png: canvas.toBuffer("image/png") };
  } finally {
    await doc.destroy();
  }
}
