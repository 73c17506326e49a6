import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CorrectiveActionView } from '@handoff/contracts/api';
import { api } from '../api';
import { useLocaleFormat } from '../i18n';
import { Field, Notice, Panel } from '../ui';
import { useSubmit } from '../use-submit';

/**
 * The corrective actions QA addressed to the person signed in (DOMAIN.md, quality inspection:
 * "may require a corrective action, which is then followed up"): what to do, and a way to say it is
 * done. Shown only when there is one, so it costs nobody else any space.
 */
export function MyCorrectiveActions() {
  const { t } = useTranslation('actions');
  const format = useLocaleFormat();
  const [actions, setActions] = useState<readonly CorrectiveActionView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [completing, setCompleting] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setActions((await api<{ items: CorrectiveActionView[] }>('evaluation', '/v1/qa/corrective-actions/mine')).items);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  // Verified actions are done with; the panel stays away until there is something to do or to wait for.
  const current = (actions ?? []).filter((action) => action.status !== 'verified');
  if (!error && current.length === 0) return null;
  return (
    <Panel title={t('title')}>
      <div data-testid="my-corrective-actions">
        <Notice error={error || undefined} success={flash} />
        <ul className="my-actions">
          {current.map((action) => (
            <li key={action.actionId} className="my-actions__item" data-status={action.status}>
              <p>
                <span className={`badge ${action.status === 'open' ? 'badge--warn' : 'badge--ok'}`}>{t(`status.${action.status}`)}</span>{' '}
                <span className="muted">{t('ticket', { ticket: action.ticketId.slice(0, 8) })}</span>
              </p>
              <p className="my-actions__text">{action.description}</p>
              <p className="muted">
                {t('requiredBy', { who: action.requiredBy, when: format.dateTime(action.requiredAt) })}
                {action.dueAt ? ` · ${t('due', { when: format.dateTime(action.dueAt) })}` : ''}
              </p>
              {action.completedAt && action.status !== 'open' && <p>{t('doneBy', { when: format.dateTime(action.completedAt), note: action.completionNote ?? '' })}</p>}
              {action.verifiedAt && action.effective && <p>{t('verifiedEffective', { when: format.dateTime(action.verifiedAt) })}</p>}
              {action.verifiedAt && action.effective === false && action.status === 'open' && (
                <p className="notice notice--error">{t('reopened', { when: format.dateTime(action.verifiedAt), note: action.verificationNote ?? '' })}</p>
              )}
              {action.status === 'open' &&
                (completing === action.actionId ? (
                  <DoneForm
                    action={action}
                    onCancel={() => setCompleting(null)}
                    onDone={() => {
                      setCompleting(null);
                      setFlash(t('recorded'));
                      void load();
                    }}
                  />
                ) : (
                  <button type="button" className="secondary" onClick={() => setCompleting(action.actionId)}>
                    {t('markDone')}
                  </button>
                ))}
            </li>
          ))}
        </ul>
      </div>
    </Panel>
  );
}

function DoneForm(props: { action: CorrectiveActionView; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation('actions');
  const [note, setNote] = useState('');
  const { busy, error, submit } = useSubmit();
  return (
    <form
      aria-label={t('markDone')}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(async () => {
          await api('evaluation', `/v1/qa/corrective-actions/${props.action.actionId}/complete`, { body: { note } });
          props.onDone();
          return null;
        });
      }}
    >
      <Field label={t('whatWasDone')} field="note" error={error} hint={t('whatWasDoneHint')}>
        {(control) => <textarea {...control} rows={2} value={note} onChange={(event) => setNote(event.target.value)} />}
      </Field>
      <Notice error={error && !(error as { fields?: unknown[] }).fields?.length ? error : undefined} />
      <div className="row">
        <button type="submit" disabled={busy}>
          {t('submit')}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
