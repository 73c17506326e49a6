import type { Jwk } from './jwt';

/** What the consoles and the services read from the provider's discovery document. */
export interface ProviderMetadata {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly end_session_endpoint?: string;
  readonly code_challenge_methods_supported?: readonly string[];
}

export type FetchJson = (url: string) => Promise<unknown>;

/** The provider could not be asked (down, or answering nonsense); not the caller's fault. */
export class IdentityProviderUnavailable extends Error {
  override readonly name = 'IdentityProviderUnavailable';
}

const defaultFetchJson: FetchJson = async (url) => {
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new IdentityProviderUnavailable(`${url} answered ${response.status}`);
  return response.json();
};

/** Providers rotate keys; a key set this old is read again before it is trusted to be complete. */
const KEYS_MAX_AGE_MS = 10 * 60_000;
/** A token naming an unknown key re-reads the key set, but not more often than this (a forged kid must not hammer the provider). */
const REFETCH_COOLDOWN_MS = 30_000;

/**
 * The provider's discovery document and signing keys, read on first need and kept. The discovery
 * document must name the configured issuer exactly: a provider answering for another issuer (a
 * mistyped URL, a tenant mix-up) is refused rather than trusted.
 */
export class IssuerKeys {
  private metadata?: Promise<ProviderMetadata>;
  private keySet?: { keys: readonly Jwk[]; readAt: number };
  private reading?: Promise<readonly Jwk[]>;

  constructor(
    readonly issuer: string,
    private readonly fetchJson: FetchJson = defaultFetchJson,
    private readonly now: () => number = Date.now,
  ) {}

  discover(): Promise<ProviderMetadata> {
    this.metadata ??= this.readMetadata().catch((error) => {
      this.metadata = undefined;
      throw error;
    });
    return this.metadata;
  }

  /** The keys; `refresh` when a token named a key not among them. */
  async keys(refresh = false): Promise<readonly Jwk[]> {
    const held = this.keySet;
    const age = held ? this.now() - held.readAt : Infinity;
    if (held && age < KEYS_MAX_AGE_MS && (!refresh || age < REFETCH_COOLDOWN_MS)) return held.keys;
    this.reading ??= this.readKeys().finally(() => (this.reading = undefined));
    try {
      return await this.reading;
    } catch (error) {
      // Keys already held stay good through a provider's short outage; the next call asks again.
      if (held) return held.keys;
      throw error;
    }
  }

  private async readMetadata(): Promise<ProviderMetadata> {
    const url = `${this.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const document = (await this.ask(url)) as Partial<ProviderMetadata> | null;
    if (typeof document !== 'object' || document === null) throw new IdentityProviderUnavailable(`${url} is not a discovery document`);
    if (document.issuer !== this.issuer) throw new IdentityProviderUnavailable(`${url} names the issuer ${String(document.issuer)}, not ${this.issuer}`);
    for (const field of ['jwks_uri', 'authorization_endpoint', 'token_endpoint'] as const) {
      if (typeof document[field] !== 'string') throw new IdentityProviderUnavailable(`${url} has no ${field}`);
    }
    return document as ProviderMetadata;
  }

  private async readKeys(): Promise<readonly Jwk[]> {
    const { jwks_uri } = await this.discover();
    const set = (await this.ask(jwks_uri)) as { keys?: unknown } | null;
    if (typeof set !== 'object' || set === null || !Array.isArray(set.keys)) throw new IdentityProviderUnavailable(`${jwks_uri} is not a JWK set`);
    const keys = set.keys.filter((key): key is Jwk => typeof key === 'object' && key !== null);
    this.keySet = { keys, readAt: this.now() };
    return keys;
  }

  private async ask(url: string): Promise<unknown> {
    try {
      return await this.fetchJson(url);
    } catch (error) {
      throw error instanceof IdentityProviderUnavailable ? error : new IdentityProviderUnavailable(`${url} could not be read: ${(error as Error).message}`);
    }
  }
}
