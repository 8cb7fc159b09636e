import { Document, HeadingLevel, ImageRun, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import type { ExportBox, HeadlinerRecord } from "./records";

/** A headliner's preview as the document embeds it: PNG bytes and their size in pixels. */
export interface Preview {
  png: Uint8Array;
  width: number;
  height: number;
}

const label = (text: string) =>
  new TableCell({ width: { size: 25, type: WidthType.PERCENTAGE }, children: [new Paragraph({ children: [new TextRun({ text, bold: true })] })] });
const value = (children: Paragraph[]) => new TableCell({ width: { size: 75, type: WidthType.PERCENTAGE }, children });
const text = (content: string) => [new Paragraph(content)];

function paramsText(params: string | undefined): string {
  if (!params) return "";
  try {
    const parsed: unknown = JSON.parse(params);
    if (parsed && typeof parsed === "object" && Object.keys(parsed).length === 0) return "";
    return JSON.stringify(parsed);
  } catch {
    return params;
  }
}

function boxTable(box: ExportBox, headliner: HeadlinerRecord | undefined, preview: Preview | undefined): Table {
  const image = preview
    ? [new Paragraph({ children: [new ImageRun({ type: "png", data: preview.png, transformation: { width: preview.width, height: preview.height } })] })]
    : text(headliner ? `(${headliner.type}, no preview)` : "(no headliner)");
  const seed = headliner?.seed;
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ children: [label("Name"), value(text(box.name))] }),
      new TableRow({ children: [label("Headliner"), value(image)] }),
      new TableRow({ children: [label("Prompt"), value(text(headliner?.prompt ?? ""))] }),
      new TableRow({ children: [label("Model"), value(text(headliner?.modelId ?? ""))] }),
      new TableRow({
        children: [
          label("Params"),
          value(text([paramsText(headliner?.params), seed !== null && seed !== undefined ? `seed ${seed}` : ""].filter(Boolean).join("; "))),
        ],
      }),
    ],
  });
}

/** The project as a Word document: its name, then a table per box (name, headliner preview, prompt, model, params). */
export async function projectDocument(
  projectName: string,
  boxes: readonly ExportBox[],
  headliners: ReadonlyMap<string, HeadlinerRecord>,
  previews: ReadonlyMap<string, Preview>,
): Promise<Uint8Array> {
  const children: (Paragraph | Table)[] = [new Paragraph({ text: projectName, heading: HeadingLevel.TITLE })];
  for (const box of boxes) {
    const headliner = box.headlinerAssetId ? headliners.get(box.headlinerAssetId) : undefined;
    children.push(new Paragraph({ text: box.name, heading: HeadingLevel.HEADING_1 }));
    children.push(boxTable(box, headliner, headliner ? previews.get(headliner.id) : undefined));
  }
  const document = new Document({ creator: "edge-platform studio", title: projectName, sections: [{ children }] });
  return Packer.pack(document, "uint8array");
}
