/**
 * A deep copy of JSON data, made in the caller's realm.
 *
 * Jest runs each test file in its own VM context, with its own Array and Object. What Node
 * itself builds (structuredClone, fetch's `res.json()`, fs's arrays) belongs to Node's realm
 * instead, and node:assert's deepEqual compares prototypes: such a value never deep-equals a
 * literal written in the test, and the failure reads "Compared values have no visual
 * difference". Copy such data with this (or `Array.from`, `JSON.parse(await res.text())`).
 */
export function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
