import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { usePagedList } from '../../paging';
import { href } from '../../router';
import { Field, formatInstant, LoadMore, Notice, Panel } from '../../ui';
import type { CorrectiveAction } from './qa-types';

/**
 * The corrective actions QA required, and where each stands. Completing one records what was done
 * on QA's own inspection stream; it changes nothing on the ticket.
 */
/** Actions read per page; "Load more" reads the next. */
const ACTIONS_PAGE = 50;

export function CorrectiveActions(props: { teams: readonly { id: string; name: string }[]; version: number }) {
  const [status, setStatus] = useState<'' | 'open' | 'completed'>('');
  const [team, setTeam] = useState('');
  const [completing, setCompleting] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const { t } = useTranslation('qa');
  const query = useMemo(() => ({ status: status || undefined, team: team || undefined }), [status, team]);
  const { page, error, loading, refresh, loadMore, setPage } = usePagedList<CorrectiveAction>('evaluation', '/v1/qa/corrective-actions', query, ACTIONS_PAGE);
  const actions = page?.items ?? null;
  const load = useCallback(() => void refresh(), [refresh]);

  useEffect(() => {
    // A just-required action reaches the list from the topic a moment after the inspection
    // (the first page is read by the list itself).
    if (props.version === 0) return;
    load();
    const timers = [500, 1500, 3000].map((delay) => setTimeout(load, delay));
    return () => timers.forEach(clearTimeout);
  }, [load, props.version]);

  const completed = (action: CorrectiveAction) => {
    setCompleting(null);
    setSuccess(t('actions.done', { ticket: action.ticketId.slice(0, 8) }));
    setPage((current) => current && { ...current, items: current.items.map((candidate) => (candidate.actionId === action.actionId ? action : candidate)) });
  };

  return (
    <Panel
      title={t('actions.title')}
      actions={
        <button type="button" className="secondary" onClick={load}>
          {t('common:refresh')}
        </button>
      }
    >
      <div className="row">
        <Field label={t('actions.state')} field="status" error={error}>
          {(control) => (
            <select {...control} value={status} onChange={(event) => setStatus(event.target.value as typeof status)}>
              <option value="">{t('actions.openAndCompleted')}</option>
              <option value="open">{t('actions.open')}</option>
              <option value="completed">{t('actions.completed')}</option>
            </select>
          )}
        </Field>
        <Field label={t('actions.team')} field="team" error={error}>
          {(control) => (
            <select {...control} value={team} onChange={(event) => setTeam(event.target.value)}>
              <option value="">{t('actions.everyTeam')}</option>
              {props.teams.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Notice error={error} success={success} />
      {actions && actions.length === 0 && <p className="muted">{t(status === 'open' ? 'actions.noneOpen' : status === 'completed' ? 'actions.noneCompleted' : 'actions.none')}</p>}
      {actions && actions.length > 0 && (
        <ul className="qa-actions" data-testid="corrective-actions">
          {actions.map((action) => (
            <li key={action.actionId} className="qa-action-item" data-ticket={action.ticketId}>
              <div className="qa-action-item__head">
                <span className={`badge ${action.status === 'open' ? 'badge--warn' : 'badge--ok'}`}>{t(`actions.status.${action.status}`, { defaultValue: action.status })}</span>
                <a href={href('auditor', action.ticketId)} title={action.ticketId}>
                  {action.subject ?? t('actions.ticket')} <code className="muted">{action.ticketId.slice(0, 8)}</code>
                </a>
                <span className="muted">
                  {t('actions.forWhom', { team: action.team, who: action.assignees.join(', ') || t('actions.theTeam') })}
                </span>
              </div>
              <p className="qa-action-item__text">{action.description}</p>
              <p className="muted qa-action-item__meta">
                {t('actions.requiredBy', { who: action.requiredBy, time: formatInstant(action.requiredAt) })}
                {action.dueAt ? t('actions.due', { time: formatInstant(action.dueAt) }) : ''}
                {action.completedAt ? t('actions.doneBy', { time: formatInstant(action.completedAt), who: action.completedBy, note: action.completionNote ?? '' }) : ''}
              </p>
              {action.status === 'open' &&
                (completing === action.actionId ? (
                  <CompleteForm action={action} onCancel={() => setCompleting(null)} onDone={completed} />
                ) : (
                  <button type="button" className="secondary" aria-label={t('actions.recordDoneOn', { ticket: action.ticketId })} onClick={() => setCompleting(action.actionId)}>
                    {t('actions.recordDone')}
                  </button>
                ))}
            </li>
          ))}
        </ul>
      )}
      {page && page.items.length > 0 && <LoadMore hasMore={Boolean(page.nextCursor)} loading={loading} onMore={() => void loadMore()} shown={page.items.length} />}
    </Panel>
  );
}

function CompleteForm(props: { action: CorrectiveAction; onCancel: () => void; onDone: (action: CorrectiveAction) => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const { t } = useTranslation('qa');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      props.onDone(await api<CorrectiveAction>('evaluation', `/v1/qa/corrective-actions/${props.action.actionId}/complete`, { body: { note: note.trim() } }));
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label={t('actions.completeForm')} noValidate>
      <Field label={t('actions.whatDone')} field="note" error={error}>
        {(control) => <textarea {...control} value={note} onChange={(event) => setNote(event.target.value)} autoFocus />}
      </Field>
      <Notice error={error instanceof Error && 'fields' in error && (error as { fields: unknown[] }).fields.length > 0 ? undefined : error} />
      <div className="row">
        <button type="submit">{t('actions.recordDone')}</button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {t('actions.cancel')}
        </button>
      </div>
    </form>
  );
}
