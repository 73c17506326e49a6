/**
 * Deterministic JSON: object keys sorted, no whitespace, undefined members dropped.
 * Hashes must not depend on the order a producer happened to build an object in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonicalJson: non-finite number');
    }
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  // A loop rather than filter/sort/map/join: every appended event is hashed through here.
  const record = value as Record<string, unknown>;
  let members = '';
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    members += `${members === '' ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `{${members}}`;
}

/**
 * canonicalJson(value) for a value as JSON.parse gave it from `json`: the text itself when every
 * object in the value has its keys in sorted order, since JSON.stringify wrote them in
 * canonicalJson's order then. A store stamping an event has that text anyway, and walking the
 * keys costs a fraction of writing the text again.
 */
export function canonicalJsonOfParsed(value: unknown, json: string): string {
  return keysInOrder(value) ? json : canonicalJson(value);
}

function keysInOrder(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!keysInOrder(item)) return false;
    return true;
  }
  const record = value as Record<string, unknown>;
  let previous: string | undefined;
  for (const key of Object.keys(record)) {
    if (previous !== undefined && !(previous < key)) return false;
    if (!keysInOrder(record[key])) return false;
    previous = key;
  }
  return true;
}
