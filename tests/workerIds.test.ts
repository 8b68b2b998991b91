/**
 * A broker's per-channel worker ids (src/broker/workerIds.ts): one id kept as a number,
 * worker 0 included (a falsy id once made a broker deliver nothing), a Set from the second.
 */
import { describe, expect, test } from "bun:test";
import { forEachId, withId, withoutId } from "../src/broker/workerIds.ts";

const all = (ids: Parameters<typeof forEachId>[0]) => {
  const seen: number[] = [];
  forEachId(ids, (id) => seen.push(id));
  return seen.sort();
};

describe("workerIds", () => {
  test("worker 0 alone is a number, visited once, and removing it leaves nothing", () => {
    const ids = withId(undefined, 0);
    expect(ids).toBe(0);
    expect(all(ids)).toEqual([0]);
    expect(withId(ids, 0)).toBe(0);
    expect(withoutId(ids, 1)).toBe(0);
    expect(withoutId(ids, 0)).toBeUndefined();
  });

  test("a second worker makes a Set; removing both leaves nothing", () => {
    let ids = withId(withId(undefined, 0), 2);
    expect(all(ids)).toEqual([0, 2]);
    ids = withId(ids, 2);
    expect(all(ids)).toEqual([0, 2]);
    const one = withoutId(ids, 0)!;
    expect(all(one)).toEqual([2]);
    expect(withoutId(one, 2)).toBeUndefined();
  });
});
