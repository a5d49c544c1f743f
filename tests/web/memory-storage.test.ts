/**
 * The in-memory Storage the storage tests rely on behaves like a browser's localStorage: string values, a quota
 * over keys and values in UTF-16 code units that refuses a write without changing anything, and blocked access.
 */
import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../helpers/memory-storage.js";

describe("the in-memory Storage used by the web tests", () => {
  it("stores strings under keys, lists them by index and forgets them on removeItem and clear", () => {
    const storage = createMemoryStorage();
    storage.setItem("a", "1");
    storage.setItem("b", "🚀");
    storage.setItem("a", "2");

    expect(storage.length).toBe(2);
    expect([storage.key(0), storage.key(1), storage.key(2)]).toEqual(["a", "b", null]);
    expect(storage.getItem("a")).toBe("2");
    expect(storage.getItem("missing")).toBeNull();
    storage.removeItem("a");
    expect(storage.getItem("a")).toBeNull();
    storage.clear();
    expect(storage.length).toBe(0);
  });

  it("counts keys and values in UTF-16 code units and refuses a write past the quota without changing anything", () => {
    const storage = createMemoryStorage({ quota: 10 });
    storage.setItem("k", "🚀🚀"); // 1 + 4 code units
    expect(storage.used).toBe(5);

    let thrown: unknown;
    try {
      storage.setItem("k2", "abcd"); // 5 + 6 = 11
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DOMException);
    expect(thrown).toMatchObject({ name: "QuotaExceededError", code: 22 });
    expect(storage.getItem("k2")).toBeNull();
    expect(storage.used).toBe(5);

    // Replacing a value only needs room for the difference.
    storage.setItem("k", "123456789");
    expect(storage.getItem("k")).toBe("123456789");
    expect(storage.writes.map((write) => write.key)).toEqual(["k", "k"]);
  });

  it("throws a SecurityError on every access when storage is blocked", () => {
    const storage = createMemoryStorage({ blocked: true });
    const accesses = [
      () => storage.getItem("a"),
      () => storage.setItem("a", "b"),
      () => storage.removeItem("a"),
      () => storage.key(0),
      () => storage.length,
      () => storage.clear(),
    ];
    for (const access of accesses) expect(access).toThrow(expect.objectContaining({ name: "SecurityError" }));
  });
});
