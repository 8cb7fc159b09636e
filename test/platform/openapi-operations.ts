import { SELF } from "cloudflare:test";

/** An OpenAPI schema object, as much of it as the platform tests read. */
export interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  allOf?: SchemaObject[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
}

export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: SchemaObject;
}

export interface OperationObject {
  security?: Record<string, string[]>[];
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: SchemaObject }> };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaObject>; securitySchemes: Record<string, unknown> };
}

export interface Operation {
  method: string;
  path: string;
  /** `METHOD /path`, the spelling of the README and the test lists. */
  route: string;
  operation: OperationObject;
}

const METHODS = ["get", "head", "post", "put", "patch", "delete", "options"];

export async function openapiDocument(): Promise<OpenApiDocument> {
  return (await (await SELF.fetch("http://platform.test/openapi.json")).json()) as OpenApiDocument;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const found: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) found.push({ method: method.toUpperCase(), path, route: `${method.toUpperCase()} ${path}`, operation });
    }
  }
  return found;
}

/**
 * How an operation says who may call it: `token` needs a bearer token; `optional token` is public
 * but reads a token when one comes (public files, the gallery: `[{bearerAuth: []}, {}]`);
 * `signature` proves itself otherwise (Stream's webhook); `none` is public.
 */
export type Access = "token" | "optional token" | "signature" | "none";

export function accessOf(operation: OperationObject): Access {
  const security = JSON.stringify(operation.security);
  if (security === JSON.stringify([{ bearerAuth: [] }])) return "token";
  if (security === JSON.stringify([{ bearerAuth: [] }, {}])) return "optional token";
  if (operation.security?.length) return "signature";
  return "none";
}

/** Follows a `#/components/schemas/...` reference. */
export function resolveSchema(document: OpenApiDocument, schema: SchemaObject | undefined): SchemaObject | undefined {
  let current = schema;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    current = document.components.schemas[current.$ref.replace("#/components/schemas/", "")];
  }
  return current;
}
