// The small IndexedDB stores of the secure backup (e2ee/key-backup-device.ts) and of verification
// (e2ee/verification-store.ts): one database each, one object store of records by key. Values are
// structured clones, so a non-extractable CryptoKey is kept as it is (never as bytes).

export interface RecordStore<T> {
  get(key: string): Promise<T | undefined>;
  put(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every record of the store. */
  clear(): Promise<void>;
}

const settle = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

export function recordStore<T>(database: string, store: string): RecordStore<T> {
  let opened: Promise<IDBDatabase> | undefined;
  const db = () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(database, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(store);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        opened = undefined;
        reject(request.error);
      };
    });
    return opened;
  };
  const run = async <R>(mode: IDBTransactionMode, work: (objects: IDBObjectStore) => IDBRequest<R>) =>
    settle(work((await db()).transaction(store, mode).objectStore(store)));
  return {
    get: (key) => run("readonly", (objects) => objects.get(key) as IDBRequest<T | undefined>),
    put: async (key, value) => {
      await run("readwrite", (objects) => objects.put(value, key));
    },
    delete: async (key) => {
      await run("readwrite", (objects) => objects.delete(key));
    },
    clear: async () => {
      await run("readwrite", (objects) => objects.clear());
    },
  };
}
