import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { href } from '../../router';
import { Field, formatInstant, Notice, Panel } from '../../ui';
import type { CorrectiveAction } from './qa-types';

/**
 * The corrective actions QA required, and where each stands. Completing one records what was done
 * on QA's own inspection stream; it changes nothing on the ticket.
 */
export function CorrectiveActions(props: { teams: readonly { id: string; name: string }[]; version: number }) {
  const [status, setStatus] = useState<'' | 'open' | 'completed'>('');
  const [team, setTeam] = useState('');
  const [actions, setActions] = useState<readonly CorrectiveAction[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [completing, setCompleting] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);

  const load = useCallback(() => {
    api<{ items: CorrectiveAction[] }>('evaluation', '/v1/qa/corrective-actions', { query: { status: status || undefined, team: team || undefined } })
      .then((body) => {
        setActions(body.items);
        setError(null);
      })
      .catch(setError);
  }, [status, team]);

  useEffect(() => {
    load();
    // A just-required action reaches the list from the topic a moment after the inspection.
    if (props.version === 0) return;
    const timers = [500, 1500, 3000].map((delay) => setTimeout(load, delay));
    return () => timers.forEach(clearTimeout);
  }, [load, props.version]);

  const completed = (action: CorrectiveAction) => {
    setCompleting(null);
    setSuccess(`Corrective action on ${action.ticketId.slice(0, 8)} recorded as done.`);
    setActions((current) => current?.map((candidate) => (candidate.actionId === action.actionId ? action : candidate)) ?? null);
  };

  return (
    <Panel
      title="Corrective actions"
      actions={
        <button type="button" className="secondary" onClick={load}>
          Refresh
        </button>
      }
    >
      <div className="row">
        <Field label="State" field="status" error={error}>
          {(control) => (
            <select {...control} value={status} onChange={(event) => setStatus(event.target.value as typeof status)}>
              <option value="">Open and completed</option>
              <option value="open">Open</option>
              <option value="completed">Completed</option>
            </select>
          )}
        </Field>
        <Field label="Team" field="team" error={error}>
          {(control) => (
            <select {...control} value={team} onChange={(event) => setTeam(event.target.value)}>
              <option value="">Every team</option>
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
      {actions && actions.length === 0 && <p className="muted">No corrective actions{status ? ` ${status}` : ''}.</p>}
      {actions && actions.length > 0 && (
        <ul className="qa-actions" data-testid="corrective-actions">
          {actions.map((action) => (
            <li key={action.actionId} className="qa-action-item" data-ticket={action.ticketId}>
              <div className="qa-action-item__head">
                <span className={`badge ${action.status === 'open' ? 'badge--warn' : 'badge--ok'}`}>{action.status}</span>
                <a href={href('auditor', action.ticketId)} title={action.ticketId}>
                  ticket <code>{action.ticketId.slice(0, 8)}</code>
                </a>
                <span className="muted">
                  {action.team} · for {action.assignees.join(', ') || 'the team'}
                </span>
              </div>
              <p className="qa-action-item__text">{action.description}</p>
              <p className="muted qa-action-item__meta">
                Required by {action.requiredBy} {formatInstant(action.requiredAt)}
                {action.dueAt ? ` · due ${formatInstant(action.dueAt)}` : ''}
                {action.completedAt ? ` · done ${formatInstant(action.completedAt)} by ${action.completedBy}: ${action.completionNote ?? ''}` : ''}
              </p>
              {action.status === 'open' &&
                (completing === action.actionId ? (
                  <CompleteForm action={action} onCancel={() => setCompleting(null)} onDone={completed} />
                ) : (
                  <button type="button" className="secondary" aria-label={`Record corrective action on ticket ${action.ticketId} as done`} onClick={() => setCompleting(action.actionId)}>
                    Record as done
                  </button>
                ))}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function CompleteForm(props: { action: CorrectiveAction; onCancel: () => void; onDone: (action: CorrectiveAction) => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      props.onDone(await api<CorrectiveAction>('evaluation', `/v1/qa/corrective-actions/${props.action.actionId}/complete`, { body: { note: note.trim() } }));
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Record the corrective action as done" noValidate>
      <Field label="What was done" field="note" error={error}>
        {(control) => <textarea {...control} value={note} onChange={(event) => setNote(event.target.value)} autoFocus />}
      </Field>
      <Notice error={error instanceof Error && 'fields' in error && (error as { fields: unknown[] }).fields.length > 0 ? undefined : error} />
      <div className="row">
        <button type="submit">Record as done</button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
