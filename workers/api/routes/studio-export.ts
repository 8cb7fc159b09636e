import { z } from "@hono/zod-openapi";
import { IdParam, problemResponses } from "../../../shared/http/openapi";
import { exportProject } from "../../../shared/studio/export/exports";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

const ExportQuery = z.object({
  format: z
    .enum(["docx", "zip"])
    .openapi({ param: { name: "format", in: "query" }, description: "`docx`: a Word document, a table per box; `zip`: the originals" }),
});
const Binary = z.string().openapi({ format: "binary" });

/** Mounted at /v1/studio: a project as a document or an archive. */
export const studioExportRoutes = createRouter().openapi(
  authedRoute({
    method: "get",
    path: "/projects/{id}/export",
    tags: ["studio"],
    summary: "Export a project as DOCX or as a ZIP of the originals",
    description:
      "`docx`: the project's boxes in order, each a table with its name, the headliner's preview, prompt, model and params. `zip`: every completed asset's original file in a folder per box, streamed as it is read.",
    request: { params: IdParam, query: ExportQuery },
    responses: {
      200: {
        description: "The document or archive (`content-disposition: attachment`)",
        content: {
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { schema: Binary },
          "application/zip": { schema: Binary },
        },
      },
      ...problemResponses(400, 401, 404),
    },
  }),
  async (c) => exportProject(c.get("deps"), c.req.valid("param").id, c.get("principal").userId, c.req.valid("query").format),
);
