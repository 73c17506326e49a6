// The services' public APIs, reached through the consoles' own origin (/api/<service>/...).
// The session cookie travels by itself; the page never sees a token. Every request names the
// language the page shows, so a refusal comes back in the words the person reads.
import { i18n, languageHeaders } from './i18n';

export type Service = 'intake' | 'routing' | 'followup' | 'evaluation';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A refusal as the services describe it: `{error, message, fields?, details?}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[] = [],
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message for one field (dotted path, e.g. `customer.phone`), if the service named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((error) => error.field === field)?.message;
  }
}

export function apiUrl(service: Service, path: string, query?: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return `/api/${service}${path}${search ? `?${search}` : ''}`;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  readonly query?: Record<string, string | number | boolean | undefined>;
  /** Accept a non-JSON answer (CSV, JSON Lines) and return its text. */
  readonly text?: boolean;
}

export async function api<T>(service: Service, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await fetch(apiUrl(service, path, options.query), {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    credentials: 'same-origin',
    headers: { ...languageHeaders(), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const raw = await response.text();
  let parsed: unknown = raw;
  if ((response.headers.get('content-type') ?? '').includes('json') && raw) {
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = raw;
    }
  }
  if (!response.ok) {
    const body = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { error?: string; message?: string; fields?: FieldError[]; details?: unknown };
    throw new ApiError(response.status, body.error ?? 'error', body.message ?? `${response.status} ${response.statusText}`, body.fields ?? [], body.details);
  }
  return (options.text ? raw : parsed) as T;
}

/**
 * Sends a file as the body of a POST (its declared type is what the browser knows, or none), and
 * reads the JSON answer as `api` does.
 */
export async function uploadFile<T>(service: Service, path: string, file: Blob, query?: RequestOptions['query']): Promise<T> {
  const response = await fetch(apiUrl(service, path, query), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { ...languageHeaders(), 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const raw = await response.text();
  let parsed: { error?: string; message?: string; fields?: FieldError[]; details?: unknown } = {};
  try {
    parsed = raw ? JSON.parse(raw) : {};
  } catch {
    parsed = {};
  }
  if (!response.ok) throw new ApiError(response.status, parsed.error ?? 'error', parsed.message ?? `${response.status} ${response.statusText}`, parsed.fields ?? [], parsed.details);
  return parsed as T;
}

/** A message fit for a person: what the service said, or what went wrong on the way. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return i18n.t('common:sessionEnded');
    if (error.status === 403) return i18n.t('common:notAllowed', { message: error.message });
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
