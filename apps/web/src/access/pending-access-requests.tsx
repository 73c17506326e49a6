import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useActor } from '../session';
import { Field, Notice, Panel } from '../ui';
import { useSubmit } from '../use-submit';

interface PendingRequest {
  readonly ticketId: string;
  readonly requestId: string;
  readonly purpose: string;
  readonly requester: { readonly id: string; readonly role: string; readonly department?: string };
}

/**
 * The access requests waiting for the person signed in to decide (a department manager: their
 * department's; management: everyone's but their own). Shown only when there is one, above any
 * screen, so a request does not wait for someone to open a particular page.
 */
export function PendingAccessRequests() {
  const actor = useActor();
  const deciding = actor.role === 'department_manager' || actor.role === 'management';
  const { t } = useTranslation('access');
  const { t: common } = useTranslation();
  const [items, setItems] = useState<readonly PendingRequest[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [refusing, setRefusing] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const { busy, error, success, submit } = useSubmit();

  const load = useCallback(async () => {
    try {
      setItems((await api<{ items: PendingRequest[] }>('intake', '/v1/access-requests/pending')).items);
      setLoadError(null);
    } catch (caught) {
      setLoadError(caught);
    }
  }, []);
  useEffect(() => {
    if (deciding) void load();
  }, [deciding, load]);

  if (!deciding || (items.length === 0 && !loadError && !success)) return null;
  const decide = (request: PendingRequest, decision: 'approve' | 'refuse') =>
    submit(async () => {
      await api('intake', `/v1/tickets/${request.ticketId}/access-requests/${request.requestId}/${decision}`, { body: decision === 'refuse' ? { reason } : {} });
      setRefusing(null);
      setReason('');
      await load();
      return t(decision === 'approve' ? 'pending.approvedFlash' : 'pending.refusedFlash', { who: request.requester.id, ticket: request.ticketId.slice(0, 8) });
    });

  return (
    <Panel
      title={t('pending.title')}
      actions={
        <button type="button" className="secondary" onClick={() => void load()}>
          {t('pending.refresh')}
        </button>
      }
    >
      <div data-testid="pending-access-requests">
        <Notice error={loadError || (refusing ? undefined : error) || undefined} success={success} />
        <ul className="my-actions">
          {items.map((request) => (
            <li key={request.requestId} className="my-actions__item">
              <p>
                <strong>{t('pending.who', { who: request.requester.id, role: common(`roles.${request.requester.role}`) })}</strong>{' '}
                <span className="muted">{t('pending.ticket', { ticket: request.ticketId.slice(0, 8) })}</span>
              </p>
              <p className="my-actions__text">{request.purpose}</p>
              {refusing === request.requestId ? (
                <form
                  onSubmit={(event) => {
                    event.preventDefault();
                    void decide(request, 'refuse');
                  }}
                >
                  <Field label={t('pending.refuseReason')} field="reason" error={error}>
                    {(control) => <input {...control} value={reason} onChange={(event) => setReason(event.target.value)} />}
                  </Field>
                  <button type="submit" disabled={busy}>
                    {t('pending.confirmRefuse')}
                  </button>{' '}
                  <button type="button" className="secondary" onClick={() => setRefusing(null)}>
                    {t('pending.cancel')}
                  </button>
                </form>
              ) : (
                <p>
                  <button type="button" disabled={busy} onClick={() => void decide(request, 'approve')}>
                    {t('pending.approve')}
                  </button>{' '}
                  <button type="button" className="secondary" disabled={busy} onClick={() => setRefusing(request.requestId)}>
                    {t('pending.refuse')}
                  </button>
                </p>
              )}
            </li>
          ))}
        </ul>
      </div>
    </Panel>
  );
}
