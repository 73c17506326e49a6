import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Field, formatInstant, Panel } from '../../ui';
import type { RecordedEntry } from './contact-form';
import { shortId } from './cs-types';
import { FormNotice } from './form-notice';
import { useSubmit } from '../../use-submit';

/** The contacts this agent recorded in this session; the simple ones are answered or handed over here. */
export function RecordedContacts({ entries, onChange }: { entries: readonly RecordedEntry[]; onChange: (ticketId: string, status: RecordedEntry['status']) => void }) {
  const { t } = useTranslation('cs');
  return (
    <Panel title={t('recorded.title')}>
      {entries.length === 0 ? (
        <p className="muted">{t('recorded.empty')}</p>
      ) : (
        <ul className="cs-recorded">
          {entries.map((entry) => (
            <li key={entry.ticketId} className="cs-recorded__item" data-testid="recorded-ticket" data-ticket-id={entry.ticketId}>
              <div className="cs-recorded__head">
                <strong>{entry.subject}</strong>
                <span className={`badge${entry.status === 'open' ? ' badge--warn' : entry.status === 'answered' ? ' badge--ok' : ''}`}>{t(`recorded.status.${entry.status}`)}</span>
              </div>
              <p className="muted cs-recorded__meta">
                {t('recorded.ticket')} <code title={entry.ticketId}>{shortId(entry.ticketId)}</code> · {t(`common:ticketTypes.${entry.type}`)} · {t(`common:channels.${entry.channel}`)}
                {entry.category ? ` · ${entry.category}` : ''}
                {entry.priority ? ` · ${t(`common:priorities.${entry.priority}`, { defaultValue: entry.priority })}` : ''} · {formatInstant(entry.recordedAt)}
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
  const { t } = useTranslation('cs');
  return (
    <div className="cs-first-contact">
      <form
        aria-label={t('recorded.answerForm', { subject: entry.subject })}
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
        <Field label={t('recorded.answer')} field="answer" error={answering.error}>
          {(control) => <textarea {...control} rows={3} value={answer} onChange={(event) => setAnswer(event.target.value)} />}
        </Field>
        <FormNotice error={answering.error} success={answering.success} shown={['answer']} />
        <button type="submit" disabled={answering.busy || handing.busy}>
          {t('recorded.recordAnswer')}
        </button>
      </form>
      <form
        aria-label={t('recorded.handForm', { subject: entry.subject })}
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
        <Field label={t('recorded.handNote')} field="note" error={handing.error}>
          {(control) => <input {...control} value={note} onChange={(event) => setNote(event.target.value)} />}
        </Field>
        <FormNotice error={handing.error} success={handing.success} shown={['note']} />
        <button type="submit" className="secondary" disabled={answering.busy || handing.busy}>
          {t('recorded.handOver')}
        </button>
      </form>
    </div>
  );
}
