// This browser's end-to-end encryption state in IndexedDB (docs/e2ee.md, "In the web app"): the
// MLS device's secrets, its decrypted history, and what it sent but has not seen stored yet. It
// belongs to the signed-in session: signing out (or the session ending) deletes the database.

const NAME = "edge-platform-e2ee";
const VERSION = 1;

/** The object stores, and what each keeps. */
export const STORES = {
  /** The device's secrets as E2eeStore keys them (`device`, `kp:<ref>`, `group:<chatId>`): bytes. */
  secrets: "secrets",
  /** Decrypted messages of encrypted chats, key `[chatId, id]`, indexed by chat and by the message an edit or a reaction changes. */
  history: "history",
  /** Per chat: where this device joined and how far it has opened the chat's messages. */
  chats: "chats",
  /** Messages this device sealed, by clientId, until it sees them stored (a sender cannot open its own MLS messages). */
  outgoing: "outgoing",
} as const;

type StoreName = (typeof STORES)[keyof typeof STORES];

let opening: Promise<IDBDatabase> | null = null;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

/** The open database (opened, and made on first use). */
export function e2eeDatabase(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open(NAME, VERSION);
    open.onupgradeneeded = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains(STORES.secrets)) db.createObjectStore(STORES.secrets);
      if (!db.objectStoreNames.contains(STORES.history)) {
        const history = db.createObjectStore(STORES.history, { keyPath: ["chatId", "id"] });
        history.createIndex("chat", "chatId");
        // The edits and reactions of a message (records without `relatesTo` are left out of it).
        history.createIndex("target", "relatesTo.id");
      }
      if (!db.objectStoreNames.contains(STORES.chats)) db.createObjectStore(STORES.chats, { keyPath: "chatId" });
      if (!db.objectStoreNames.contains(STORES.outgoing)) db.createObjectStore(STORES.outgoing, { keyPath: "clientId" }).createIndex("chat", "chatId");
    };
    open.onsuccess = () => {
      const db = open.result;
      // Another tab deleting the database (it signed out) needs this one closed.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    open.onerror = () => {
      opening = null;
      reject(open.error ?? new Error("IndexedDB did not open"));
    };
  });
  return opening;
}

/** One value by key. */
export async function read<T>(store: StoreName, key: IDBValidKey): Promise<T | undefined> {
  const db = await e2eeDatabase();
  return request<T | undefined>(db.transaction(store).objectStore(store).get(key));
}

/** Every value of a store, or those of one chat (stores indexed by chat). */
export async function readAll<T>(store: StoreName, chatId?: string): Promise<T[]> {
  const db = await e2eeDatabase();
  const objects = db.transaction(store).objectStore(store);
  return request<T[]>(chatId === undefined ? objects.getAll() : objects.index("chat").getAll(chatId));
}

/** Every value of `store` whose `index` is `key`. */
export async function readByIndex<T>(store: StoreName, index: string, key: IDBValidKey): Promise<T[]> {
  const db = await e2eeDatabase();
  return request<T[]>(db.transaction(store).objectStore(store).index(index).getAll(key));
}

/** Every key of a store. */
export async function readKeys(store: StoreName): Promise<IDBValidKey[]> {
  const db = await e2eeDatabase();
  return request(db.transaction(store).objectStore(store).getAllKeys());
}

/** Writes values (with `key` for a store without a key path) in one transaction. */
export async function write(store: StoreName, values: readonly unknown[], key?: IDBValidKey): Promise<void> {
  const db = await e2eeDatabase();
  const tx = db.transaction(store, "readwrite");
  const objects = tx.objectStore(store);
  for (const value of values) objects.put(value, key);
  await done(tx);
}

/** Deletes values by key in one transaction. */
export async function remove(store: StoreName, keys: readonly IDBValidKey[]): Promise<void> {
  if (keys.length === 0) return;
  const db = await e2eeDatabase();
  const tx = db.transaction(store, "readwrite");
  const objects = tx.objectStore(store);
  for (const key of keys) objects.delete(key);
  await done(tx);
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
  });
}

/** Forgets everything: the session ended. */
export async function deleteE2eeDatabase(): Promise<void> {
  const open = opening;
  opening = null;
  if (open) (await open.catch(() => null))?.close();
  await new Promise<void>((resolve) => {
    const deleting = indexedDB.deleteDatabase(NAME);
    deleting.onsuccess = () => resolve();
    deleting.onerror = () => resolve();
    // Another tab still holds it open: it closes on versionchange, then the delete goes on.
    deleting.onblocked = () => undefined;
  });
}
