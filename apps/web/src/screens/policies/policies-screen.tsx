import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PolicyHistory, PolicyKindName, PolicyVersionView, PolicyView } from '@handoff/contracts/api';
import { POLICY_OWNERS } from '@handoff/contracts/api/policies';
import { api, ApiError, type Service } from '../../api';
import { href } from '../../router';
import { formatInstant, Notice, Panel } from '../../ui';
import { useSubmit } from '../../use-submit';
import { FormNotice } from '../cs/form-notice';
import { TextField } from '../../action-form';
import './policies.css';

/** Which service answers each kind: the owner, whose validator checks it (the contracts' table, as the services read it). */
const OWNERS: Readonly<Record<PolicyKindName, Service>> = POLICY_OWNERS;
const KINDS = Object.keys(OWNERS) as PolicyKindName[];

const isKind = (value: string | undefined): value is PolicyKindName => value !== undefined && value in OWNERS;

/**
 * Management's policies: every kind with the version in force, who changed it last and when; one
 * kind's history and its document to change, with a reason. The services check the document; this
 * screen only says what they answer.
 */
export function PoliciesScreen({ route }: { route: readonly string[] }) {
  const { t } = useTranslation('policies');
  const chosen = isKind(route[0]) ? route[0] : undefined;
  const [views, setViews] = useState<Partial<Record<PolicyKindName, PolicyView | ApiError | Error>>>({});

  const readAll = useCallback(() => {
    for (const kind of KINDS) {
      api<PolicyView>(OWNERS[kind], `/v1/policies/${kind}`)
        .then((view) => setViews((known) => ({ ...known, [kind]: view })))
        .catch((caught: Error) => setViews((known) => ({ ...known, [kind]: caught })));
    }
  }, []);
  useEffect(readAll, [readAll]);

  return (
    <div className="policies">
      <h1 className="mqa-title">{t('title')}</h1>
      <Panel
        title={t('list.title')}
        actions={
          <button type="button" className="secondary" onClick={readAll}>
            {t('common:refresh')}
          </button>
        }
      >
        <p className="muted">{t('list.intro')}</p>
        <div className="table-scroll">
          <table data-testid="policies">
            <thead>
              <tr>
                <th scope="col">{t('col.policy')}</th>
                <th scope="col" className="policies-version">{t('col.version')}</th>
                <th scope="col">{t('col.changedBy')}</th>
                <th scope="col">{t('col.when')}</th>
              </tr>
            </thead>
            <tbody>
              {KINDS.map((kind) => {
                const view = views[kind];
                return (
                  <tr key={kind} data-kind={kind} aria-current={kind === chosen ? 'true' : undefined}>
                    <th scope="row">
                      <a href={href('policies', kind)}>{t(`kinds.${kind}`)}</a>
                    </th>
                    {view instanceof Error ? (
                      <td colSpan={3}>
                        <Notice error={view} />
                      </td>
                    ) : view ? (
                      <>
                        <td className="policies-version">{view.version}</td>
                        <td>{view.changedBy ? `${view.changedBy} · ${t(`common:roles.${view.role}`, { defaultValue: view.role ?? '' })}` : t('fromFile')}</td>
                        <td>{view.changedAt ? formatInstant(view.changedAt) : '—'}</td>
                      </>
                    ) : (
                      <td colSpan={3} className="muted">
                        {t('common:loading')}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Panel>
      {chosen && <PolicyEditor key={chosen} kind={chosen} onChanged={readAll} />}
    </div>
  );
}

/** The document as a person edits it: two-space indented JSON. */
const pretty = (document: unknown) => JSON.stringify(document, null, 2);

/** One kind: its history, newest first, and its document to change on the version read. */
function PolicyEditor({ kind, onChanged }: { kind: PolicyKindName; onChanged: () => void }) {
  const { t } = useTranslation('policies');
  const [history, setHistory] = useState<readonly PolicyVersionView[] | null>(null);
  const [readError, setReadError] = useState<unknown>(null);
  const [expectedVersion, setExpectedVersion] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, success, submit, reset } = useSubmit();

  // Reading again puts the version in force in the editor: a change is always made on what was read.
  const read = useCallback(async () => {
    setReadError(null);
    try {
      const answer = await api<PolicyHistory>(OWNERS[kind], `/v1/policies/${kind}/history`);
      setHistory(answer.versions);
      const latest = answer.versions[0];
      if (latest) {
        setExpectedVersion(latest.version);
        setText(pretty(latest.document));
      }
    } catch (caught) {
      setReadError(caught);
    }
  }, [kind]);
  useEffect(() => {
    void read();
  }, [read]);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (expectedVersion === null) return;
    void submit(async () => {
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (caught) {
        // Said beside the document like the service's own refusals; nothing is sent.
        throw new ApiError(400, 'VALIDATION_FAILED', t('notJson'), [{ field: 'document', message: t('notJsonDetail', { detail: (caught as Error).message }) }]);
      }
      const changed = await api<PolicyView>(OWNERS[kind], `/v1/policies/${kind}`, { method: 'PUT', body: { expectedVersion, reason, document } });
      setReason('');
      onChanged();
      await read();
      return t('saved', { version: changed.version });
    });
  };

  const reload = async () => {
    reset();
    await read();
    onChanged();
  };

  const stale = error instanceof ApiError && error.status === 409;
  const fields = error instanceof ApiError ? error.fields : [];
  const documentErrors = fields.filter((field) => field.field === 'document' || field.field.startsWith('document.'));
  const shown = ['reason', ...documentErrors.map((field) => field.field)];
  const documentId = useId();

  return (
    <>
      <Panel title={t('history.title', { policy: t(`kinds.${kind}`) })}>
        <Notice error={readError} />
        {history ? (
          <div className="table-scroll">
            <table data-testid="policy-history">
              <thead>
                <tr>
                  <th scope="col" className="policies-version">{t('col.version')}</th>
                  <th scope="col">{t('col.changedBy')}</th>
                  <th scope="col">{t('col.why')}</th>
                  <th scope="col">{t('col.when')}</th>
                </tr>
              </thead>
              <tbody>
                {history.map((version) => (
                  <tr key={version.version} data-version={version.version}>
                    <td className="policies-version">{version.version}</td>
                    <td>{version.changedBy ? `${version.changedBy} · ${t(`common:roles.${version.role}`, { defaultValue: version.role ?? '' })}` : t('history.file')}</td>
                    <td className="policies-reason">{version.reason ?? '—'}</td>
                    <td>{version.changedAt ? formatInstant(version.changedAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          !readError && <p className="muted">{t('common:loading')}</p>
        )}
      </Panel>
      {expectedVersion !== null && (
        <Panel title={t('edit.title', { policy: t(`kinds.${kind}`) })}>
          <form className="dept-form" onSubmit={save} noValidate aria-label={t('edit.form')}>
            <p className="muted" data-testid="expected-version">
              {t('edit.onVersion', { version: expectedVersion })}
            </p>
            <div className={`field${documentErrors.length > 0 ? ' field--invalid' : ''}`}>
              <label htmlFor={documentId}>{t('edit.document')}</label>
              <textarea
                id={documentId}
                name="document"
                className="policies-document"
                rows={18}
                spellCheck={false}
                value={text}
                onChange={(event) => setText(event.target.value)}
                aria-invalid={documentErrors.length > 0}
                aria-describedby={`${documentId}-hint${documentErrors.length > 0 ? ` ${documentId}-errors` : ''}`}
              />
              <small id={`${documentId}-hint`} className="hint">
                {t('edit.documentHint')}
              </small>
              {documentErrors.length > 0 && (
                <ul id={`${documentId}-errors`} className="policies-field-errors" role="alert" data-testid="document-errors">
                  {documentErrors.map((field) => (
                    // The service names the field in its message, in the console's language.
                    <li key={field.field}>{field.message}</li>
                  ))}
                </ul>
              )}
            </div>
            <TextField label={t('edit.reason')} field="reason" error={error} hint={t('edit.reasonHint')} rows={2} value={reason} onChange={setReason} />
            {stale ? (
              <div className="notice notice--error policies-stale" role="alert" data-testid="policy-stale">
                <p>{t('stale')}</p>
                <button type="button" className="secondary" onClick={() => void reload()}>
                  {t('reload')}
                </button>
              </div>
            ) : (
              <FormNotice error={error} success={success} shown={shown} />
            )}
            <button type="submit" disabled={busy}>
              {t('edit.submit')}
            </button>
          </form>
        </Panel>
      )}
    </>
  );
}
