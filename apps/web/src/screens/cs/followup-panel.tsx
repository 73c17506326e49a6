import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../../api';
import { Conversation } from '../../conversation/conversation';
import { href } from '../../router';
import { Field, Notice, Panel } from '../../ui';
import { CustomerDetails } from './customer-details';
import { shortId, type AwaitingConfirmationItem, type FollowupState, type LateProgressItem } from './cs-types';
import { FormNotice } from './form-notice';
import { useSubmit } from './use-submit';

interface RoutingTicket {
  readonly status: string;
  readonly department: string;
  readonly handlerId: string | null;
  readonly round: number;
  readonly subject: string | null;
  readonly complaint: boolean;
}

const FOLLOWUP_STATUS: Record<FollowupState['status'], string> = {
  none: 'nothing to confirm yet',
  awaiting_confirmation: 'result waiting for the customer’s answer',
  awaiting_result: 'waiting for the department’s result',
  closed: 'closed',
};

/** One ticket followed up: report the result, record the customer's answer or a failed call. */
export function FollowupPanel(props: {
  ticketId: string;
  awaiting?: AwaitingConfirmationItem;
  late?: LateProgressItem;
  onDone: (message: string) => void;
}) {
  const { ticketId } = props;
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

  const customer = props.awaiting?.customer ?? props.late?.customer ?? null;
  return (
    <Panel
      title={`Follow up ticket ${shortId(ticketId)}`}
      actions={
        <a className="cs-button-link secondary" href={href('cs', 'worklist')}>
          Back to the worklist
        </a>
      }
    >
      <div className="cs-followup" data-testid="followup-panel" data-ticket-id={ticketId} ref={focusTarget} tabIndex={-1}>
        {routing?.subject && <p className="cs-followup__subject">{routing.subject}</p>}
        <dl className="cs-facts">
          <dt>Follow-up</dt>
          <dd>
            {state ? FOLLOWUP_STATUS[state.status] : 'loading…'}
            {state?.round !== undefined ? ` (round ${state.round})` : ''}
            {state?.outcome ? `: ${state.outcome.replace(/_/g, ' ')}` : ''}
            {state?.handedToManagement ? ' · with management' : ''}
          </dd>
          {routing && (
            <>
              <dt>Department</dt>
              <dd>
                {routing.department}
                {routing.handlerId ? ` · ${routing.handlerId}` : ' · no handler named yet'}
                {routing.complaint ? ' · complaint' : ''}
              </dd>
            </>
          )}
          {props.awaiting && (
            <>
              <dt>Result</dt>
              <dd className="cs-followup__result">{props.awaiting.resultSummary || '—'}</dd>
              <dt>From</dt>
              <dd>{props.awaiting.resolvedBy === 'first_contact' ? 'CS, at first contact' : (props.awaiting.department ?? 'the department')}</dd>
            </>
          )}
          {(state?.contactAttempts ?? props.awaiting?.contactAttempts ?? 0) > 0 && (
            <>
              <dt>Not reached</dt>
              <dd>{state?.contactAttempts ?? props.awaiting?.contactAttempts} time(s) this round</dd>
            </>
          )}
        </dl>
        <Notice error={loadError || undefined} />
        <CustomerDetails service="followup" ticketId={ticketId} masked={customer} title="Customer to call" />
        {state?.status === 'awaiting_confirmation' && (
          <div className="cs-followup__forms">
            <ConfirmationForm ticketId={ticketId} onDone={props.onDone} />
            <ContactAttemptForm ticketId={ticketId} onDone={(message) => { void load(); props.onDone(message); }} />
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
  return (
    <form
      className="cs-followup__form"
      aria-label="The customer’s answer"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(async () => {
          if (!satisfied) throw new ApiError(400, 'VALIDATION_FAILED', 'say whether the customer is satisfied', [{ field: 'satisfied', message: 'choose one' }]);
          const answer = await api<ConfirmationAnswer>('followup', `/v1/tickets/${ticketId}/confirmation`, {
            body: satisfied === 'yes' ? { satisfied: true } : { satisfied: false, objection },
          });
          onDone(
            satisfied === 'yes'
              ? `Ticket ${shortId(ticketId)} closed: the customer is satisfied.`
              : answer.handedToManagement
                ? `Ticket ${shortId(ticketId)}: the objection is recorded and the ticket goes to management.`
                : `Ticket ${shortId(ticketId)}: the objection is recorded and the ticket goes back for another round.`,
          );
          return null;
        });
      }}
    >
      <fieldset className={`cs-fieldset${error instanceof ApiError && error.fieldMessage('satisfied') ? ' cs-fieldset--invalid' : ''}`}>
        <legend>Is the customer satisfied with the result?</legend>
        <label className="cs-choice">
          <input type="radio" name={`satisfied-${ticketId}`} value="yes" checked={satisfied === 'yes'} onChange={() => setSatisfied('yes')} /> Satisfied
        </label>
        <label className="cs-choice">
          <input type="radio" name={`satisfied-${ticketId}`} value="no" checked={satisfied === 'no'} onChange={() => setSatisfied('no')} /> Not satisfied
        </label>
        {error instanceof ApiError && error.fieldMessage('satisfied') && (
          <p className="field-error" role="alert">
            {error.fieldMessage('satisfied')}
          </p>
        )}
      </fieldset>
      {satisfied === 'no' && (
        <Field label="The customer’s objection" field="objection" error={error} hint="in the customer’s words; it goes back to the department">
          {(control) => <textarea {...control} rows={3} value={objection} onChange={(event) => setObjection(event.target.value)} />}
        </Field>
      )}
      <FormNotice error={error} success={success} shown={['satisfied', 'objection']} />
      <button type="submit" disabled={busy}>
        Record the customer’s answer
      </button>
    </form>
  );
}

function ContactAttemptForm({ ticketId, onDone }: { ticketId: string; onDone: (message: string) => void }) {
  const [note, setNote] = useState('');
  const { busy, error, success, submit } = useSubmit();
  return (
    <form
      className="cs-followup__form"
      aria-label="Customer not reachable"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(async () => {
          const answer = await api<ConfirmationAnswer>('followup', `/v1/tickets/${ticketId}/contact-attempts`, { body: note.trim() ? { note } : {} });
          setNote('');
          const message =
            answer.status === 'closed'
              ? `Ticket ${shortId(ticketId)} closed unconfirmed: the customer could not be reached.`
              : `Failed contact attempt recorded for ticket ${shortId(ticketId)}.`;
          onDone(message);
          return message;
        });
      }}
    >
      <h3>Customer not reachable</h3>
      <Field label="Note on the attempt (optional)" field="note" error={error} hint="e.g. no answer, line busy, mailbox full">
        {(control) => <input {...control} value={note} onChange={(event) => setNote(event.target.value)} />}
      </Field>
      <FormNotice error={error} success={success} shown={['note']} />
      <button type="submit" className="secondary" disabled={busy}>
        Record failed contact attempt
      </button>
    </form>
  );
}
