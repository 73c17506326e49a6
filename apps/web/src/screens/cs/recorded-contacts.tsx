import { useState } from 'react';
import { api } from '../../api';
import { Field, formatInstant, Panel } from '../../ui';
import type { RecordedEntry } from './contact-form';
import { CHANNEL_NAMES, TYPE_NAMES, shortId } from './cs-types';
import { FormNotice } from './form-notice';
import { useSubmit } from './use-submit';

const STATUS_TEXT: Record<RecordedEntry['status'], string> = {
  open: 'waiting for your answer',
  handed_over: 'handed over to a department',
  answered: 'answered; awaiting the customer’s confirmation',
};

/** The contacts this agent recorded in this session; the simple ones are answered or handed over here. */
export function RecordedContacts({ entries, onChange }: { entries: readonly RecordedEntry[]; onChange: (ticketId: string, status: RecordedEntry['status']) => void }) {
  return (
    <Panel title="Recorded this session">
      {entries.length === 0 ? (
        <p className="muted">Contacts you record appear here. A simple question is answered at once; anything else goes to a department by itself.</p>
      ) : (
        <ul className="cs-recorded">
          {entries.map((entry) => (
            <li key={entry.ticketId} className="cs-recorded__item" data-testid="recorded-ticket" data-ticket-id={entry.ticketId}>
              <div className="cs-recorded__head">
                <strong>{entry.subject}</strong>
                <span className={`badge${entry.status === 'open' ? ' badge--warn' : entry.status === 'answered' ? ' badge--ok' : ''}`}>{STATUS_TEXT[entry.status]}</span>
              </div>
              <p className="muted cs-recorded__meta">
                Ticket <code title={entry.ticketId}>{shortId(entry.ticketId)}</code> · {TYPE_NAMES[entry.type]} · {CHANNEL_NAMES[entry.channel]}
                {entry.category ? ` · ${entry.category}` : ''}
                {entry.priority ? ` · ${entry.priority}` : ''} · {formatInstant(entry.recordedAt)}
              </p>
              {entry.status === 'open' && <FirstContactActions entry={entry} onChange={onChange} />}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function FirstContactActions({ entry, onChange }: { entry: RecordedEntry; onChange: (ticketId: string, status: RecordedEntry['status']) => void }) {
  const [answer, setAnswer] = useState('');
  const [note, setNote] = useState('');
  const answering = useSubmit();
  const handing = useSubmit();
  return (
    <div className="cs-first-contact">
      <form
        aria-label={`Answer ${entry.subject} at once`}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void answering.submit(async () => {
            await api('intake', `/v1/tickets/${entry.ticketId}/first-contact-answer`, { body: { answer } });
            onChange(entry.ticketId, 'answered');
            return null;
          });
        }}
      >
        <Field label="Answer given to the customer" field="answer" error={answering.error}>
          {(control) => <textarea {...control} rows={3} value={answer} onChange={(event) => setAnswer(event.target.value)} />}
        </Field>
        <FormNotice error={answering.error} success={answering.success} shown={['answer']} />
        <button type="submit" disabled={answering.busy || handing.busy}>
          Record the answer
        </button>
      </form>
      <form
        aria-label={`Hand ${entry.subject} over`}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void handing.submit(async () => {
            await api('intake', `/v1/tickets/${entry.ticketId}/hand-over`, { body: note.trim() ? { note } : {} });
            onChange(entry.ticketId, 'handed_over');
            return null;
          });
        }}
      >
        <Field label="Note for the department (optional)" field="note" error={handing.error}>
          {(control) => <input {...control} value={note} onChange={(event) => setNote(event.target.value)} />}
        </Field>
        <FormNotice error={handing.error} success={handing.success} shown={['note']} />
        <button type="submit" className="secondary" disabled={answering.busy || handing.busy}>
          Hand over to a department
        </button>
      </form>
    </div>
  );
}
