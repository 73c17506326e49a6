import { seededRandom } from '@handoff/contracts';

/**
 * A seeded generator of malformed and hostile requests for a write endpoint. Every case it makes
 * is invalid by construction (the comment on each kind says why), so any 2xx answer is a hole in
 * validation, not bad luck. The same seed gives the same cases.
 */

/** What the generator knows of an endpoint: a valid body to break, and its OpenAPI body schema. */
export interface Target {
  /** A body the endpoint would accept; the generator never sends it unbroken. */
  readonly validBody: Record<string, unknown>;
  /** Fields whose absence makes the body invalid whatever else it holds. */
  readonly required: readonly string[];
  /** The request body's JSON schema from OpenAPI (object, or oneOf objects). */
  readonly schema: JsonSchema | undefined;
  /** Whether the path has a `{ticketId}` to break. */
  readonly hasTicketId: boolean;
}

export interface JsonSchema {
  readonly type?: string;
  readonly properties?: Record<string, JsonSchema>;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly format?: string;
}

export interface HostileCase {
  readonly kind: Kind;
  /** Replaces the path's ticket id (already percent-encoded), when the case breaks the path. */
  readonly ticketId?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly body: string | Uint8Array;
  /** One line for a failure report. */
  readonly description: string;
}

export const KINDS = [
  'unknown-field',
  'prototype-pollution',
  'wrong-type',
  'number-as-string',
  'missing-field',
  'control-character',
  'too-long',
  'empty-string',
  'injection-in-constrained-field',
  'hostile-text-with-unknown-field',
  'not-an-object',
  'invalid-json',
  'wrong-content-type',
  'oversized',
  'deep-nesting',
  'duplicate-key',
  'invalid-ticket-id',
] as const;
export type Kind = (typeof KINDS)[number];

// Refused in every text field: C0 controls other than tab and line breaks, DEL, C1 controls,
// and the bidi embedding, override and isolate controls.
const FORBIDDEN_CHARACTERS = [
  '\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u000e', '\u001b', '\u001f', '\u007f', '\u0085', '\u009b',
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069',
];

// Each holds a space, a quote or an angle bracket, so none can pass an enum, an identifier
// pattern, a UUID or an instant.
const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  '1; DELETE FROM events WHERE 1=1',
  "\" OR \"\"=\"",
  "admin'--",
  ' UNION SELECT password FROM pg_shadow --',
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  "javascript:alert('x')",
  '{{constructor.constructor("return process")()}}',
  '${process.exit(1)}',
  "'; process.exit(1); '",
  '$(rm -rf /) `reboot`',
  '{"$gt": ""}',
  '%00 %n %s %x',
  '../../../../etc/passwd ',
  'Robert"); DROP TABLE tickets;--',
];

// Allowed characters that break naive code: these are valid text, so they are only ever sent
// beside a defect that makes the body invalid.
const ODD_TEXT = [
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  'مرحبا بالعالم',
  '\u200b\u200c\u200d\ufeff',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗',
  '\ud83d', // a lone surrogate
  '\t\r\n',
  '﷽',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  'true',
  '[object Object]',
];

const HOSTILE_KEYS = [
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '$where',
  '$gt',
  'actor',
  'metadata',
  'role',
  'department',
  'isAdmin',
  'correlationId',
  '',
  ' ',
  'a\u0000b',
  '\u202eevil',
  "'; DROP TABLE events; --",
  '<script>',
  'x'.repeat(300),
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function hostileCases(target: Target, seed: number, count: number): HostileCase[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  const known = knownFields(target.schema);
  const stringPaths = leafPaths(target.validBody).filter((path) => typeof valueAt(target.validBody, path) === 'string');
  // Optional fields the valid body leaves out are broken too, so every field is exercised.
  for (const [path, schema] of known.all) {
    if (schema.type === 'string' && !stringPaths.some((found) => same(found, path))) stringPaths.push(path);
  }
  const typedPaths = [...known.all.entries()];
  const constrained = [...known.all.entries()].filter(([, schema]) => schema.type === 'string' && (schema.enum || schema.pattern || schema.format || schema.const !== undefined));
  const objectLevels = [[] as string[], ...[...known.all.entries()].filter(([, schema]) => schema.type === 'object').map(([path]) => path)];

  const json = (body: unknown, description: string, kind: Kind): HostileCase => ({ kind, contentType: 'application/json', body: JSON.stringify(body), description });
  const unknownKey = (level: readonly string[]): string => {
    for (;;) {
      const key = random() < 0.7 ? pick(HOSTILE_KEYS) : `field_${between(0, 1e6)}`;
      if (!known.namesAt(level).includes(key)) return key;
    }
  };
  const hostileValue = (): Json =>
    pick<() => Json>([
      () => pick(INJECTIONS),
      () => pick(ODD_TEXT),
      () => between(-1e9, 1e9),
      () => random() < 0.5,
      () => null,
      () => [pick(INJECTIONS)],
      () => ({ role: 'management', id: 'intruder' }),
    ])();
  const wrongTypedValue = (type: string | undefined): Json => {
    const candidates: Json[] = [42, -1, 0.5, 1e308, true, false, null, [], ['a'], {}, { nested: 'x' }, 'text'];
    return pick(candidates.filter((value) => jsonType(value) !== (type ?? 'string')));
  };
  const textOfLength = (length: number) => {
    const chunk = pick([...INJECTIONS, 'a', 'long text ']);
    return chunk.repeat(Math.ceil(length / chunk.length)).slice(0, length);
  };

  const makers: Record<Kind, () => HostileCase | undefined> = {
    // Strict schemas refuse any field they do not name, at the top and in nested objects.
    'unknown-field': () => {
      const level = pick(objectLevels);
      const key = unknownKey(level);
      return json(withValue(target.validBody, [...level, key], hostileValue()), `unknown field ${JSON.stringify(key)} at ${level.join('.') || 'top'}`, 'unknown-field');
    },
    // JSON.parse makes `__proto__` an own property, so it is just an unknown field to a strict schema.
    'prototype-pollution': () => {
      const form = pick(['__proto__', 'constructor.prototype', 'both']);
      const payload = '{"isAdmin":true,"role":"management","department":"billing","polluted":"yes"}';
      const rest = JSON.stringify(target.validBody).slice(1);
      const prefix =
        form === '__proto__'
          ? `"__proto__":${payload}`
          : form === 'constructor.prototype'
            ? `"constructor":{"prototype":${payload}}`
            : `"__proto__":{"__proto__":${payload}},"constructor":{"prototype":${payload}}`;
      return { kind: 'prototype-pollution', contentType: 'application/json', body: `{${prefix}${rest === '}' ? '}' : `,${rest}`}`, description: form };
    },
    // A value of another JSON type than the schema's; no field accepts null or coerces.
    'wrong-type': () => {
      if (typedPaths.length === 0) return undefined;
      const [path, schema] = pick(typedPaths);
      const value = random() < 0.1 ? deeplyNested(between(50, 2000), random() < 0.5) : wrongTypedValue(schema.type);
      return json(withValue(target.validBody, path, value), `${path.join('.')} as ${jsonType(value)}`, 'wrong-type');
    },
    // Nothing is coerced: "true" is not a boolean and "42" is not text for a number (nor 42 for text).
    'number-as-string': () => {
      if (typedPaths.length === 0) return undefined;
      const [path, schema] = pick(typedPaths);
      const value: Json = schema.type === 'boolean' ? pick(['true', 'false', '1', '0', 1, 0]) : schema.type === 'string' ? pick([42, 0, -7.5, 1e21]) : pick(['42', '{}', '[]']);
      return json(withValue(target.validBody, path, value), `${path.join('.')} = ${JSON.stringify(value)}`, 'number-as-string');
    },
    'missing-field': () => {
      if (target.required.length === 0) return undefined;
      const field = pick(target.required);
      return json(withValue(target.validBody, [field], undefined), `without ${field}`, 'missing-field');
    },
    // Every text field refuses these characters, wherever they sit.
    'control-character': () => {
      if (stringPaths.length === 0) return undefined;
      const path = pick(stringPaths);
      const original = String(valueAt(target.validBody, path) ?? 'text');
      // Inside the text, never at an end: trimming would quietly drop a leading vertical tab or form feed.
      const at = between(1, original.length - 1);
      const inserted = Array.from({ length: between(1, 3) }, () => pick(FORBIDDEN_CHARACTERS)).join('');
      const value = original.slice(0, at) + inserted + original.slice(at);
      return json(withValue(target.validBody, path, value), `${path.join('.')} with ${JSON.stringify(inserted)}`, 'control-character');
    },
    // No text field allows more than 5000 characters; the body stays under the 64 kB limit.
    'too-long': () => {
      if (stringPaths.length === 0) return undefined;
      const path = pick(stringPaths);
      // Short enough that even with JSON escaping the body stays under 64 kB and is read.
      const length = between(5001, 30_000);
      return json(withValue(target.validBody, path, textOfLength(length)), `${path.join('.')} of ${length} characters`, 'too-long');
    },
    // Every text field needs something after trimming.
    'empty-string': () => {
      if (stringPaths.length === 0) return undefined;
      const path = pick(stringPaths);
      const value = pick(['', ' ', '   ', '\t', ' \n ', '\r\n']);
      return json(withValue(target.validBody, path, value), `${path.join('.')} = ${JSON.stringify(value)}`, 'empty-string');
    },
    // Enums, identifiers, UUIDs and instants have a shape no injection string has.
    'injection-in-constrained-field': () => {
      if (constrained.length === 0) return undefined;
      const [path] = pick(constrained);
      const value = pick(INJECTIONS);
      return json(withValue(target.validBody, path, value), `${path.join('.')} = ${JSON.stringify(value)}`, 'injection-in-constrained-field');
    },
    // Hostile but allowed text in every text field; the unknown field is what makes it invalid.
    'hostile-text-with-unknown-field': () => {
      let body: Record<string, unknown> = target.validBody;
      for (const path of stringPaths) body = withValue(body, path, `${pick([...INJECTIONS, ...ODD_TEXT])}`);
      const key = unknownKey([]);
      return json(withValue(body, [key], pick(INJECTIONS)), `hostile text, unknown ${JSON.stringify(key)}`, 'hostile-text-with-unknown-field');
    },
    // Top-level primitives fail the strict JSON parser; arrays fail the object schema.
    'not-an-object': () => {
      const value = pick<Json>([[], [target.validBody as Json], [[]], 'a string', 42, 0, -1, true, false, null, '{}', [null], [{}]]);
      return json(value, `body ${JSON.stringify(value).slice(0, 40)}`, 'not-an-object');
    },
    // None of these is JSON; a proper prefix of an object is never one either.
    'invalid-json': () => {
      const valid = JSON.stringify(target.validBody);
      const text = pick([
        () => valid.slice(0, between(1, valid.length - 1)),
        () => pick(['{', '}', '[', '{"a":}', "{'a':1}", '{a:1}', '{"a":1,}', '{"a":NaN}', '{"a":undefined}', '{"a":0x1F}', '{"a":1}/*c*/', '// c\n{}', '{}{}', '{"a":1}garbage', '{"a":"\\x"}', '{"a":"\u0000"}', '\ufeff{', 'nul', 'tru', '<xml/>', 'a=1&b=2', '{"a":1e}', '{"a":-}', '{"a" 1}', '{,}', '{"a":"b"', '[1,2']),
        () => `{${'"k":'.repeat(between(2, 500))}1}`,
        () => valid.replace(/"/g, "'") + (valid.includes('"') ? '' : '{'),
      ])();
      const asBytes = random() < 0.15;
      if (asBytes) {
        // Not even UTF-8: opens like an object, never closes.
        const bytes = new Uint8Array(between(2, 200)).map(() => between(0, 255));
        bytes[0] = 0x7b;
        bytes[bytes.length - 1] = 0xff;
        return { kind: 'invalid-json', contentType: 'application/json', body: bytes, description: `${bytes.length} random bytes` };
      }
      return { kind: 'invalid-json', contentType: 'application/json', body: text, description: JSON.stringify(text.slice(0, 60)) };
    },
    // A valid body under a type that is not application/json (or none): refused, never ignored.
    'wrong-content-type': () => {
      const contentType = pick([
        'text/plain',
        'text/plain; charset=utf-8',
        'text/html',
        'text/json',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=xyz',
        'application/octet-stream',
        'application/javascript',
        'application/merge-patch+json',
        'application/jsonp',
        'application/json; charset=latin1',
        'application/json; charset=ascii',
        'image/png',
        'none',
      ]);
      // Never empty: an empty body is no body, which an endpoint with an optional body rightly accepts.
      const text =
        contentType === 'application/x-www-form-urlencoded'
          ? new URLSearchParams(Object.entries(target.validBody).map(([k, v]): [string, string] => [k, String(v)])).toString() || 'confirm=true'
          : JSON.stringify(target.validBody);
      return contentType === 'none'
        ? { kind: 'wrong-content-type', body: new TextEncoder().encode(text), description: 'no content type' }
        : { kind: 'wrong-content-type', contentType, body: text, description: contentType };
    },
    // Over the 64 kB limit: refused before it is parsed.
    oversized: () => {
      const size = random() < 0.9 ? between(65_600, 300_000) : between(1_000_000, 3_000_000);
      const path = stringPaths.length > 0 && random() < 0.5 ? pick(stringPaths) : [unknownKey([])];
      return json(withValue(target.validBody, path, 'x'.repeat(size)), `${size} bytes in ${path.join('.')}`, 'oversized');
    },
    // Deep nesting under a field no schema names, or as the whole body.
    'deep-nesting': () => {
      const arrays = random() < 0.5;
      // Deep, yet under 64 kB, so the parser and the schema see it rather than the size limit.
      const depth = between(100, arrays ? 20_000 : 10_000);
      if (random() < 0.3) {
        return { kind: 'deep-nesting', contentType: 'application/json', body: '['.repeat(depth) + ']'.repeat(depth), description: `top-level array ${depth} deep` };
      }
      const key = unknownKey([]);
      const open = arrays ? '[' : '{"a":';
      const close = open === '[' ? ']' : '}';
      const valid = JSON.stringify(target.validBody);
      const member = `${JSON.stringify(key)}:${open.repeat(depth)}1${close.repeat(depth)}`;
      return { kind: 'deep-nesting', contentType: 'application/json', body: valid === '{}' ? `{${member}}` : `{${member},${valid.slice(1)}`, description: `${key} ${depth} deep` };
    },
    // JSON.parse keeps the last of a repeated key, and the last one here is broken.
    'duplicate-key': () => {
      if (stringPaths.length === 0) return undefined;
      const topLevel = stringPaths.filter((found) => found.length === 1);
      if (topLevel.length === 0) return undefined;
      const path = pick(topLevel);
      const valid = JSON.stringify(target.validBody);
      const broken = pick<Json>([`x${pick(FORBIDDEN_CHARACTERS)}x`, 12, null, '', 'x'.repeat(6000)]);
      const member = `${JSON.stringify(path[0])}:${JSON.stringify(broken)}`;
      return { kind: 'duplicate-key', contentType: 'application/json', body: valid === '{}' ? `{${member}}` : `${valid.slice(0, -1)},${member}}`, description: `${path[0]} repeated as ${JSON.stringify(broken).slice(0, 30)}` };
    },
    // Not a UUID in any version; the body is valid, so the path alone must be refused.
    'invalid-ticket-id': () => {
      if (!target.hasTicketId) return undefined;
      const uuid = '3f0e9a36-5c1d-4b7e-9a42-0c6d2b1e8f70';
      const raw = pick([
        'not-a-uuid',
        '1',
        '0',
        '-1',
        'null',
        'undefined',
        uuid + 'x',
        uuid.slice(0, -1),
        uuid.replace('a', 'g'),
        `{${uuid}}`,
        `urn:uuid:${uuid}`,
        uuid.replace(/-/g, ''),
        ` ${uuid}`,
        `${uuid}\u0000`,
        `${uuid}' OR '1'='1`,
        pick(INJECTIONS),
        pick(ODD_TEXT),
        'x'.repeat(between(37, 2000)),
      ]);
      let encoded: string;
      try {
        encoded = encodeURIComponent(raw);
      } catch {
        // A lone surrogate has no UTF-8 form: send bytes that do not decode either.
        encoded = '%ED%A0%BD';
      }
      return { kind: 'invalid-ticket-id', ticketId: encoded, contentType: 'application/json', body: JSON.stringify(target.validBody), description: `ticket id ${JSON.stringify(raw.slice(0, 60))}` };
    },
  };

  const cases: HostileCase[] = [];
  // Every kind that applies comes first, then kinds at random; a kind that does not apply is skipped.
  const order = [...KINDS];
  for (let attempt = 0; cases.length < count && attempt < count * 20; attempt++) {
    const kind = attempt < order.length ? order[attempt] : pick(KINDS);
    const made = makers[kind]();
    if (made) cases.push(made);
  }
  return cases;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function deeplyNested(depth: number, arrays: boolean): Json {
  let value: Json = 1;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
}

/** Every field path the schema names (merging `oneOf` variants), with its schema. */
function knownFields(schema: JsonSchema | undefined): { all: Map<string[], JsonSchema>; namesAt(level: readonly string[]): string[] } {
  const all = new Map<string[], JsonSchema>();
  const names = new Map<string, Set<string>>();
  const walk = (node: JsonSchema | undefined, path: string[]) => {
    if (!node) return;
    for (const variant of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) walk(variant, path);
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const key = path.join('.');
      if (!names.has(key)) names.set(key, new Set());
      if (names.get(key)!.has(name)) continue;
      names.get(key)!.add(name);
      all.set([...path, name], child);
      if (child.type === 'object') walk(child, [...path, name]);
    }
  };
  walk(schema, []);
  return { all, namesAt: (level) => [...(names.get(level.join('.')) ?? [])] };
}

function leafPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return path.length > 0 ? [path] : [];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...path, key]));
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), value);
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, index) => part === b[index]);
}

/** A copy of `body` with `value` at `path` (removed when undefined); own properties only, so `__proto__` is a plain key. */
function withValue(body: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(body)) Object.defineProperty(copy, key, { value: child, enumerable: true, writable: true, configurable: true });
  const next =
    rest.length === 0
      ? value
      : withValue(typeof body[head] === 'object' && body[head] !== null && !Array.isArray(body[head]) ? (body[head] as Record<string, unknown>) : {}, rest, value);
  if (next === undefined) delete copy[head];
  else Object.defineProperty(copy, head, { value: next, enumerable: true, writable: true, configurable: true });
  return copy;
}
