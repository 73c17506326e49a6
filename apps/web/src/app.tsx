import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api';
import { languageHeaders } from './i18n';
import { LanguageSwitch } from './language-switch';
import { MyCorrectiveActions } from './corrective-actions/my-corrective-actions';
import { NotificationBell } from './notifications/notification-bell';
import { href, useRoute } from './router';
import { screensFor } from './screens';
import { SessionProvider, useSession, type Role } from './session';
import { Field, Notice } from './ui';

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const session = useSession();
  const route = useRoute();
  const { t } = useTranslation();
  if (session.loading) return <p className="loading">{t('loading')}</p>;
  if (!session.actor) return <SignIn />;
  const actor = session.actor;
  const screens = screensFor(actor.role);
  const current = screens.find((screen) => screen.id === route[0]) ?? screens[0];
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="top-bar">
        <span className="brand">Handoff</span>
        <nav aria-label={t('screensNav')}>
          <ul>
            {screens.map((screen) => (
              <li key={screen.id}>
                <a href={href(screen.id)} aria-current={screen === current ? 'page' : undefined}>
                  {t(screen.titleKey)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who" data-testid="signed-in-as">
          {actor.id} · {t(`roles.${actor.role}`)}
          {actor.department ? ` · ${actor.department}` : ''}
        </span>
        <NotificationBell />
        <LanguageSwitch />
        <button type="button" onClick={() => void session.signOut()}>
          {t('signOut')}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <MyCorrectiveActions />
        {current ? <current.component key={current.id} route={route[0] === current.id ? route.slice(1) : []} /> : <p>{t('noScreen')}</p>}
      </main>
    </div>
  );
}

interface Department {
  readonly id: string;
  readonly name: string;
  readonly handlers: readonly { id: string; name: string }[];
  readonly managers: readonly { id: string; name: string }[];
}

const SAMPLE_PEOPLE: Partial<Record<Role, string>> = { cs: 'agent-1', management: 'manager-1', qa: 'inspector-1', auditor: 'auditor-1' };

function SignIn() {
  const session = useSession();
  const { t } = useTranslation('signin');
  const [role, setRole] = useState<Role>('cs');
  const [department, setDepartment] = useState('');
  const [person, setPerson] = useState('agent-1');
  const [token, setToken] = useState('');
  const [departments, setDepartments] = useState<readonly Department[]>([]);
  const [error, setError] = useState<unknown>(null);
  const departmental = role === 'department_handler' || role === 'department_manager';

  useEffect(() => {
    if (!session.devSignIn) return;
    fetch('/auth/directory', { credentials: 'same-origin' })
      .then((response) => (response.ok ? response.json() : { departments: [] }))
      .then((body: { departments: Department[] }) => setDepartments(body.departments))
      .catch(() => setDepartments([]));
  }, [session.devSignIn]);

  const peopleOf = (roleName: Role, departmentId: string) => {
    const found = departments.find((candidate) => candidate.id === departmentId);
    if (!found) return [];
    return roleName === 'department_manager' ? found.managers : found.handlers;
  };

  const chooseRole = (next: Role) => {
    setRole(next);
    if (next === 'department_handler' || next === 'department_manager') {
      const first = departments[0];
      setDepartment(first?.id ?? '');
      setPerson((first ? peopleOf(next, first.id)[0]?.id : undefined) ?? '');
    } else {
      setPerson(SAMPLE_PEOPLE[next] ?? '');
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const body = session.devSignIn && !token ? { role, sub: person, ...(departmental ? { department } : {}) } : { token };
    const response = await fetch('/auth/sign-in', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', ...languageHeaders() }, body: JSON.stringify(body) });
    const answer = (await response.json()) as { message?: string; error?: string; fields?: { field: string; message: string }[] };
    if (!response.ok) {
      setError(new ApiError(response.status, answer.error ?? 'error', answer.message ?? t('failed'), answer.fields ?? []));
      return;
    }
    await session.refresh();
  };

  if (session.oidc) {
    return (
      <main className="sign-in" id="main">
        <div className="sign-in-language">
          <LanguageSwitch />
        </div>
        <h1>Handoff</h1>
        <p>{t('tagline')}</p>
        {session.refusal && (
          <div className="notice notice--error" role="alert" data-testid="sign-in-refused">
            <p>
              <strong>{t(`refused.${session.refusal.code}`)}</strong>
            </p>
            <p>{t('refusedDetail', { detail: session.refusal.detail })}</p>
            {session.refusal.code === 'unmapped' && <p>{t('unmappedHint')}</p>}
          </div>
        )}
        <p>
          <a className="button" href="/auth/login">
            {t('withProvider')}
          </a>
        </p>
        <p className="hint">{t('providerHint')}</p>
      </main>
    );
  }

  return (
    <main className="sign-in" id="main">
      <div className="sign-in-language">
        <LanguageSwitch />
      </div>
      <h1>Handoff</h1>
      <p>{t('tagline')}</p>
      <form onSubmit={(event) => void submit(event)} aria-label={t('form')}>
        {session.devSignIn && (
          <fieldset>
            <legend>{t('devLegend')}</legend>
            <Field label={t('role')} field="role" error={error}>
              {(control) => (
                <select {...control} value={role} onChange={(event) => chooseRole(event.target.value as Role)}>
                  {session.roles.map((candidate) => (
                    <option key={candidate} value={candidate}>
                      {t(`common:roles.${candidate}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {departmental && (
              <Field label={t('department')} field="department" error={error}>
                {(control) => (
                  <select
                    {...control}
                    value={department}
                    onChange={(event) => {
                      setDepartment(event.target.value);
                      setPerson(peopleOf(role, event.target.value)[0]?.id ?? '');
                    }}
                  >
                    {departments.map((candidate) => (
                      <option key={candidate.id} value={candidate.id}>
                        {candidate.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
            <Field label={t('userId')} field="sub" error={error} hint={departmental ? t('userIdHint') : undefined}>
              {(control) => <input {...control} list={departmental ? 'people' : undefined} value={person} onChange={(event) => setPerson(event.target.value)} autoComplete="username" />}
            </Field>
            {departmental && (
              <datalist id="people">
                {peopleOf(role, department).map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.name}
                  </option>
                ))}
              </datalist>
            )}
          </fieldset>
        )}
        <Field label={session.devSignIn ? t('tokenOr') : t('token')} field="token" error={error}>
          {(control) => <input {...control} type="password" value={token} onChange={(event) => setToken(event.target.value)} autoComplete="off" />}
        </Field>
        <Notice error={error && !(error instanceof ApiError && error.fields.length > 0) ? error : undefined} />
        <button type="submit">{t('submit')}</button>
      </form>
    </main>
  );
}
