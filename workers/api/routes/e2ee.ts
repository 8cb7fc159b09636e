import { z } from "@hono/zod-openapi";
import { IdParam, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { notFound } from "../../../shared/http/errors";
import { sharesChat } from "../../../shared/chat/records";
import { listMlsDevices, registerMlsDevice, toPublicMlsDevice } from "../../../shared/e2ee/devices";
import { getKeyBackup, putKeyBackup, removeKeyBackup } from "../../../shared/e2ee/key-backup";
import { claimKeyPackages, keyPackageStock, uploadKeyPackages } from "../../../shared/e2ee/key-packages";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

const tags = ["e2ee"];

const Base64Url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, "Must be base64url without padding");

const NewDeviceBody = z
  .object({ signatureKey: Base64Url(64).openapi({ description: "The device's Ed25519 signature public key (32 bytes, base64url)" }) })
  .strict()
  .openapi("NewMlsDevice");

const DeviceSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    signatureKey: z.string().openapi({ description: "Ed25519 public key, base64url" }),
    fingerprint: z.string().openapi({ description: "SHA-256 of the key, first 16 bytes as 8 groups of 4 hex digits: what two people compare" }),
    createdAt: z.string(),
    current: z.boolean().openapi({ description: "The device of the session of this token" }),
  })
  .openapi("MlsDevice");
const DeviceList = z.object({ items: z.array(DeviceSchema) }).openapi("MlsDeviceList");

const KeyPackage = Base64Url(8192).openapi({ description: "An MLSMessage (wire format mls_key_package), base64url" });
const UploadBody = z
  .object({
    keyPackages: z.array(KeyPackage).max(100).openapi({ description: "One-time key packages" }),
    lastResort: KeyPackage.optional().openapi({ description: "Replaces the device's last-resort key package (RFC 9420 §16.8)" }),
  })
  .strict()
  .refine((body) => body.keyPackages.length > 0 || body.lastResort !== undefined, "Send at least one key package")
  .openapi("KeyPackageUpload");
const StockSchema = z
  .object({
    remaining: z.number().int().openapi({ description: "Unclaimed one-time packages of this device: refill below a threshold" }),
    lastResort: z.boolean().openapi({ description: "Whether the device has a valid last-resort package" }),
  })
  .openapi("KeyPackageStock");
const ClaimBody = z
  .object({ userIds: z.array(z.string().min(1).max(64)).min(1).max(50) })
  .strict()
  .openapi("KeyPackageClaim");
const ClaimedSchema = z
  .object({
    items: z.array(
      z.object({
        userId: z.string(),
        deviceId: z.string(),
        keyPackage: z.string(),
        lastResort: z.boolean().openapi({ description: "The device had no one-time package left; this one may be handed out again" }),
      }),
    ),
  })
  .openapi("ClaimedKeyPackages");

const BackupSchema = z.object({ version: z.number().int(), blob: z.string(), updatedAt: z.string() }).openapi("KeyBackup");
const BackupBody = z
  .object({
    replaces: z.number().int().min(0).openapi({ description: "The version this upload replaces; 0 when there is none" }),
    blob: Base64Url(32 * 1024 * 1024).openapi({ description: "The backup, encrypted on the device under the recovery key, base64url" }),
  })
  .strict()
  .openapi("KeyBackupUpload");

/** End-to-end encryption: MLS devices, key packages and the key backup (docs/e2ee.md). Mounted at /v1. */
export const e2eeRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "post",
      path: "/e2ee/devices",
      tags,
      summary: "Register this session's MLS device",
      description:
        "One device per session; it ends with the session (logout, revocation, password change, account deletion): its key packages are deleted and every encrypted chat must remove its leaf at the next commit. The same key again answers `200`.",
      request: { body: jsonBody(NewDeviceBody) },
      responses: {
        201: jsonResponse(DeviceSchema, "Registered"),
        200: jsonResponse(DeviceSchema, "Registered before"),
        ...problemResponses(400, 401, 409, 415),
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      const { device, created } = await registerMlsDevice(c.get("deps"), principal, c.req.valid("json").signatureKey);
      const body = await toPublicMlsDevice(device, principal.sessionId);
      return created ? c.json(body, 201) : c.json(body, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/e2ee/users/{id}/devices",
      tags,
      summary: "A user's MLS devices with fingerprints",
      description: "Yours, or those of someone you share a direct or group chat with (others: `404`).",
      request: { params: IdParam },
      responses: { 200: jsonResponse(DeviceList, "Live devices, oldest first"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const deps = c.get("deps");
      const principal = c.get("principal");
      const { id } = c.req.valid("param");
      if (id !== principal.userId && !(await sharesChat(deps.db, principal.userId, id))) throw notFound("No user with that id shares a chat with you");
      return c.json({ items: await listMlsDevices(deps, id, principal.sessionId) }, 200);
    },
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/e2ee/key-packages",
      tags,
      summary: "Upload key packages of this session's device",
      description:
        "Each is checked before any is stored: the platform's suite (1), valid signatures, credential identity `<userId>:<deviceId>`, the device's signature key, a lifetime that holds now and is at most E2EE_KEY_PACKAGE_MAX_LIFETIME_DAYS.",
      request: { body: jsonBody(UploadBody) },
      responses: { 201: jsonResponse(StockSchema, "Stored; what the device has now"), ...problemResponses(400, 401, 403, 409, 415) },
    }),
    async (c) => c.json(await uploadKeyPackages(c.get("deps"), c.get("principal"), c.req.valid("json")), 201),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/e2ee/key-packages",
      tags,
      summary: "How many key packages this session's device has left",
      responses: { 200: jsonResponse(StockSchema, "Stock"), ...problemResponses(401, 409) },
    }),
    async (c) => c.json(await keyPackageStock(c.get("deps"), c.get("principal")), 200),
  )
  .openapi(
    authedRoute({
      method: "post",
      path: "/e2ee/key-packages/claim",
      tags,
      summary: "Claim one key package per device of the given users",
      description:
        "For each live device of each user (you, or people you share a direct or group chat with; others `404`), one one-time package that nobody else receives, else the device's last-resort package. Your own session's device is left out.",
      request: { body: jsonBody(ClaimBody) },
      responses: { 200: jsonResponse(ClaimedSchema, "One package per device"), ...problemResponses(400, 401, 404, 415) },
    }),
    async (c) => c.json(await claimKeyPackages(c.get("deps"), c.get("principal"), c.req.valid("json").userIds), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/e2ee/key-backup",
      tags,
      summary: "Your encrypted key backup",
      responses: { 200: jsonResponse(BackupSchema, "The backup"), ...problemResponses(401, 404) },
    }),
    async (c) => c.json(await getKeyBackup(c.get("deps"), c.get("principal").userId), 200),
  )
  .openapi(
    authedRoute({
      method: "put",
      path: "/e2ee/key-backup",
      tags,
      summary: "Store a new version of your encrypted key backup",
      description: "Opaque to the server, at most E2EE_KEY_BACKUP_MAX_BYTES. `replaces` must be the stored version (0 for none), else `409`.",
      request: { body: jsonBody(BackupBody) },
      responses: { 200: jsonResponse(BackupSchema, "Stored"), ...problemResponses(400, 401, 409, 413, 415) },
    }),
    async (c) => c.json(await putKeyBackup(c.get("deps"), c.get("principal").userId, c.req.valid("json")), 200),
  )
  .openapi(
    authedRoute({
      method: "delete",
      path: "/e2ee/key-backup",
      tags,
      summary: "Delete your key backup",
      responses: { 204: { description: "Deleted" }, ...problemResponses(401, 404) },
    }),
    async (c) => {
      await removeKeyBackup(c.get("deps"), c.get("principal").userId);
      return c.body(null, 204);
    },
  );
