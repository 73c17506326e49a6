import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';

export type Role = 'cs' | 'department_handler' | 'department_manager' | 'management' | 'qa' | 'auditor';

export interface Actor {
  readonly id: string;
  readonly role: Role;
  readonly department?: string;
}

/** Why the last sign-in at the identity provider did not open a session. */
export interface SignInRefusal {
  readonly code: 'unmapped' | 'expired' | 'failed';
  readonly detail: string;
}

export interface SessionState {
  readonly actor: Actor | null;
  readonly devSignIn: boolean;
  /** People sign in at the organisation's identity provider (GET /auth/login). */
  readonly oidc?: boolean;
  readonly refusal?: SignInRefusal;
  readonly roles: readonly Role[];
}

interface SessionContextValue extends SessionState {
  readonly loading: boolean;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ actor: null, devSignIn: false, roles: [] });
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    const response = await fetch('/auth/session', { credentials: 'same-origin' });
    setState((await response.json()) as SessionState);
    setLoading(false);
  }, []);
  const signOut = useCallback(async () => {
    const response = await fetch('/auth/sign-out', { method: 'POST', credentials: 'same-origin' });
    // With an identity provider, its own session ends too; it sends the browser back here.
    const { redirect } = (await response.json().catch(() => ({}))) as { redirect?: string };
    if (redirect) return window.location.assign(redirect);
    await refresh();
  }, [refresh]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return <SessionContext.Provider value={{ ...state, loading, refresh, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in person; screens are only rendered for a signed-in actor. */
export function useActor(): Actor {
  const { actor } = useSession();
  if (!actor) throw new Error('no one is signed in');
  return actor;
}

// Role names for a person are in the `common` namespace (`roles.<role>`).
