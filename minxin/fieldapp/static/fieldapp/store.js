// The phone's storage for the field app (IndexedDB): the bootstrap data and the queue of records.
// Records stay here until the server has answered `created` or `duplicate` for them.
"use strict";
const FieldStore = (() => {
  const DB_NAME = "minxin-field";
  const VERSION = 1;
  let opening = null;

  function open() {
    if (opening) return opening;
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
        if (!db.objectStoreNames.contains("queue")) {
          const queue = db.createObjectStore("queue", { keyPath: "uuid" });
          queue.createIndex("created", "created");
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opening;
  }

  function run(storeName, mode, work) {
    return open().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const store = tx.objectStore(storeName);
      let result;
      Promise.resolve(work(store)).then((value) => { result = value; });
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    }));
  }

  function req(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  return {
    getMeta: (key) => run("meta", "readonly", (s) => req(s.get(key))),
    setMeta: (key, value) => run("meta", "readwrite", (s) => { s.put(value, key); }),
    deleteMeta: (key) => run("meta", "readwrite", (s) => { s.delete(key); }),
    queueAll: () => run("queue", "readonly", (s) => req(s.index("created").getAll())),
    queuePut: (record) => run("queue", "readwrite", (s) => { s.put(record); }),
    queueDelete: (uuid) => run("queue", "readwrite", (s) => { s.delete(uuid); }),
  };
})();
