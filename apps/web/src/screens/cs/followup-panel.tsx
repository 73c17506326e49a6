import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { Conversation } from '../../conversation/conversation';
import { href } from '../../router';
import { Field, Notice, Panel } from '../../ui';
import { CustomerDetails } from './customer-details';
import { shortId, type FollowupState, type WorklistItem } from './cs-types';
import { FormNotice } from './form-notice';
import { useSubmit } from '../../use-submit';

interface RoutingTicket {
  readonly status: string;
  readonly department: string;
  readonly handlerId: string | null;
  readonly round: number;
  readonly subject: string | null;
  readonly complaint: boolean;
}

/** One ticket followed up: report the result, record the customer's answer or a failed call. */
export function FollowupPanel(props: {
  ticketId: string;
  /** The ticket's worklist item, when it is on the worklist. */
  item?: WorklistItem;
  /** `stay`: the ticket still waits here (a failed call), so the panel stays open. */
  onDone: (message: string, stay?: boolean) => void;
}) {
  const { ticketId } = props;
  const { t } = useTranslation('cs');
  const [state, setState] = useState<FollowupState | null>(null);
  const [routing, setRouting] = useState<RoutingTicket | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const focusTarget = useRef<HTMLDivElement>(null);
  // Following a ticket up from the worklist moves keyboard and screen-reader focus to it.
  useEffect(() => {
    focusTarget.current?.focus();
  }, [ticketId]);

  const load = useCallback(async () => {
    setLoadError(null);
    const [followup, routed] = await Promise.allSettled([
      api<FollowupState>('followup', `/v1/tickets/${ticketId}`),
      api<RoutingTicket>('routing', `/v1/tickets/${ticketId}`),
    ]);
    if (followup.status === 'fulfilled') setState(followup.value);
    else if (followup.reason instanceof ApiError && followup.reason.status === 404) setState({ ticketId, status: 'none' });
    else setLoadError(followup.reason);
    // A first-contact answer never reached routing: no department to show.
    setRouting(routed.status === 'fulfilled' ? routed.value : null);
  }, [ticketId]);

  useEffect(() => {
    void load();
  }, [load]);

  const customer = props.item?.customer ?? null;
  const result = props.item?.result ?? null;
  return (
    <Panel
      title={t('followup.title', { ticket: shortId(ticketId) })}
      actions={
        <a className="cs-button-link secondary" href={href('cs', 'worklist')}>
          {t('followup.back')}
        </a>
      }
    >
      <div className="cs-followup" data-testid="followup-panel" data-ticket-id={ticketId} ref={focusTarget} tabIndex={-1}>
        {routing?.subject && <p className="cs-followup__subject">{routing.subject}</p>}
        <dl className="cs-facts">
          <dt>{t('followup.followup')}</dt>
          <dd>
            {state ? t(`followup.status.${state.status}`) : t('followup.loading')}
            {state?.round !== undefined ? t('followup.round', { round: state.round }) : ''}
            {state?.outcome ? `: ${t(`followup.outcome.${state.outcome}`, { defaultValue: state.outcome.replace(/_/g, ' ') })}` : ''}
            {state?.handedToManagement ? t('followup.withManagement') : ''}
          </dd>
          {routing && (
            <>
              <dt>{t('followup.department')}</dt>
              <dd>
                {routing.department}
                {routing.handlerId ? ` · ${routing.handlerId}` : t('followup.noHandler')}
                {routing.complaint ? t('followup.complaint') : ''}
              </dd>
            </>
          )}
          {result && (
            <>
              <dt>{t('followup.result')}</dt>
              <dd className="cs-followup__result">{result.summary || '—'}</dd>
              <dt>{t('followup.from')}</dt>
              <dd>{result.resolvedBy === 'first_contact' ? t('followup.firstContact') : (props.item?.department ?? t('followup.theDepartment'))}</dd>
            </>
          )}
          {(state?.contactAttempts ?? result?.contactAttempts ?? 0) > 0 && (
            <>
              <dt>{t('followup.notReached')}</dt>
              <dd>{t('followup.times', { count: state?.contactAttempts ?? result?.contactAttempts })}</dd>
            </>
          )}
        </dl>
        <Notice error={loadError || undefined} />
        <CustomerDetails service="followup" ticketId={ticketId} masked={customer} title={t('followup.customerToCall')} />
        {state?.status === 'awaiting_confirmation' && (
          <div className="cs-followup__forms">
            <ConfirmationForm ticketId={ticketId} onDone={props.onDone} />
            <ContactAttemptForm ticketId={ticketId} onDone={(message, stay) => { void load(); props.onDone(message, stay); }} />
          </div>
        )}
        <Conversation ticketId={ticketId} />
      </div>
    </Panel>
  );
}

interface ConfirmationAnswer {
  readonly status: FollowupState['status'];
  readonly outcome?: string;
  readonly round?: number;
  readonly handedToManagement?: boolean;
}

function ConfirmationForm({ ticketId, onDone }: { ticketId: string; onDone: (message: string) => void }) {
  const [satisfied, setSatisfied] = useState<'yes' | 'no' | ''>('');
  const [objection, setObjection] = useState('');
  const { busy, error, success, submit } = useSubmit();
  const { t } = useTranslation('cs');
  return (
    <form
      className="cs-followup__form"
      aria-label={t('followup.answerForm')}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(async () => {
          if (!satisfied) throw new ApiError(400, 'VALIDATION_FAILED', t('followup.chooseOne'), [{ field: 'satisfied', message: t('followup.chooseOne') }]);
          const answer = await api<ConfirmationAnswer>('followup', `/v1/tickets/${ticketId}/confirmation`, {
            body: satisfied === 'yes' ? { satisfied: true } : { satisfied: false, objection },
          });
          onDone(
            t(satisfied === 'yes' ? 'followup.closedSatisfied' : answer.handedToManagement ? 'followup.toManagement' : 'followup.anotherRound', { ticket: shortId(ticketId) }),
          );
          return null;
        });
      }}
    >
      <fieldset className={`cs-fieldset${error instanceof ApiError && error.fieldMessage('satisfied') ? ' cs-fieldset--invalid' : ''}`}>
        <legend>{t('followup.satisfiedQuestion')}</legend>
        <label className="cs-choice">
          <input type="radio" name={`satisfied-${ticketId}`} value="yes" checked={satisfied === 'yes'} onChange={() => setSatisfied('yes')} /> {t('followup.satisfied')}
        </label>
        <label className="cs-choice">
          <input type="radio" name={`satisfied-${ticketId}`} value="no" checked={satisfied === 'no'} onChange={() => setSatisfied('no')} /> {t('followup.notSatisfied')}
        </label>
        {error instanceof ApiError && error.fieldMessage('satisfied') && (
          <p className="field-error" role="alert">
            {error.fieldMessage('satisfied')}
          </p>
        )}
      </fieldset>
      {satisfied === 'no' && (
        <Field label={t('followup.objection')} field="objection" error={error} hint={t('followup.objectionHint')}>
          {(control) => <textarea {...control} rows={3} value={objection} onChange={(event) => setObjection(event.target.value)} />}
        </Field>
      )}
      <FormNotice error={error} success={success} shown={['satisfied', 'objection']} />
      <button type="submit" disabled={busy}>
        {t('followup.recordAnswer')}
      </button>
    </form>
  );
}

function ContactAttemptForm({ ticketId, onDone }: { ticketId: string; onDone: (message: string, stay?: boolean) => void }) {
  const [note, setNote] = useState('');
  const { busy, error, success, submit } = useSubmit();
  const { t } = useTranslation('cs');
  return (
    <form
      className="cs-followup__form"
      aria-label={t('followup.unreachable')}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(async () => {
          const answer = await api<ConfirmationAnswer>('followup', `/v1/tickets/${ticketId}/contact-attempts`, { body: note.trim() ? { note } : {} });
          setNote('');
          const closed = answer.status === 'closed';
          const message = t(closed ? 'followup.closedUnreachable' : 'followup.attemptRecorded', { ticket: shortId(ticketId) });
          onDone(message, !closed);
          return message;
        });
      }}
    >
      <h3>{t('followup.unreachable')}</h3>
      <Field label={t('followup.attemptNote')} field="note" error={error} hint={t('followup.attemptHint')}>
        {(control) => <input {...control} value={note} onChange={(event) => setNote(event.target.value)} />}
      </Field>
      <FormNotice error={error} success={success} shown={['note']} />
      <button type="submit" className="secondary" disabled={busy}>
        {t('followup.recordAttempt')}
      </button>
    </form>
  );
}
