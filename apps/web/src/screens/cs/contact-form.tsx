import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { Field, Panel } from '../../ui';
import { OpenTicketsHint } from '../search/open-tickets-hint';
import { CHANNELS, PRIORITIES, TICKET_TYPES, shortId, type Channel, type Priority, type RecordedContact, type TicketType } from './cs-types';
import { FormNotice } from './form-notice';
import { useSubmit } from '../../use-submit';

/** The contact's reference in the CS console: recording the same form twice is one ticket. */
export const CONSOLE_SOURCE = 'cs-console';

const newExternalId = (agentId: string) =>
  `${agentId.replace(/[^A-Za-z0-9._:-]/g, '-')}:${typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`}`;

interface Draft {
  channel: Channel;
  platform: string;
  type: TicketType;
  name: string;
  phone: string;
  email: string;
  customerId: string;
  subject: string;
  description: string;
  priority: Priority | '';
}

const EMPTY: Draft = { channel: 'hotline', platform: '', type: 'consultation', name: '', phone: '', email: '', customerId: '', subject: '', description: '', priority: '' };

/** Every field this form shows next to its control; anything else the service names goes in the notice. */
const SHOWN_FIELDS = ['channel', 'platform', 'type', 'customer', 'customer.name', 'customer.phone', 'customer.email', 'customer.customerId', 'subject', 'description', 'priority'];

export interface RecordedEntry {
  readonly ticketId: string;
  readonly subject: string;
  readonly type: TicketType;
  readonly channel: Channel;
  readonly recordedAt: string;
  readonly resolution: 'first_contact' | 'department' | 'unknown';
  readonly category?: string;
  readonly priority?: string;
  status: 'open' | 'handed_over' | 'answered';
}

/**
 * Records a contact taken on the hotline or at the counter through intake's own API, with its
 * checks: whatever intake refuses is shown next to the field it names, and nothing is recorded.
 */
export function ContactForm({ agentId, onRecorded }: { agentId: string; onRecorded: (entry: RecordedEntry, created: boolean) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  // Kept across refused attempts and a lost answer: sending it again cannot open a second ticket.
  const [externalId, setExternalId] = useState(() => newExternalId(agentId));
  const { busy, error, success, submit } = useSubmit();
  const { t } = useTranslation('cs');
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(async () => {
      const optional = (value: string) => (value.trim() === '' ? undefined : value);
      const body = {
        sourceSystem: CONSOLE_SOURCE,
        externalId,
        channel: draft.channel,
        ...(draft.channel === 'social_media' ? { platform: draft.platform } : {}),
        type: draft.type,
        customer: {
          name: draft.name,
          ...(optional(draft.phone) !== undefined ? { phone: draft.phone } : {}),
          ...(optional(draft.email) !== undefined ? { email: draft.email } : {}),
          ...(optional(draft.customerId) !== undefined ? { customerId: draft.customerId } : {}),
        },
        subject: draft.subject,
        description: draft.description,
        ...(draft.priority ? { priority: draft.priority } : {}),
      };
      const recorded = await api<RecordedContact>('intake', '/v1/contacts', { body });
      const resolution = recorded.classification?.resolution ?? 'unknown';
      onRecorded(
        {
          ticketId: recorded.ticketId,
          subject: draft.subject.trim(),
          type: draft.type,
          channel: draft.channel,
          recordedAt: new Date().toISOString(),
          resolution,
          ...(recorded.classification ? { category: recorded.classification.category, priority: recorded.classification.priority } : {}),
          status: resolution === 'first_contact' ? 'open' : 'handed_over',
        },
        recorded.created,
      );
      setDraft((current) => ({ ...EMPTY, channel: current.channel }));
      setExternalId(newExternalId(agentId));
      const type = t(`common:ticketTypes.${draft.type}`).toLocaleLowerCase();
      const what = recorded.classification
        ? t('form.classified', { type, category: recorded.classification.category, priority: t(`common:priorities.${recorded.classification.priority}`).toLocaleLowerCase() })
        : type;
      const next = t(resolution === 'first_contact' ? 'form.nextFirstContact' : draft.type === 'complaint' ? 'form.nextComplaint' : 'form.nextDepartment');
      return t(recorded.created ? 'form.recorded' : 'form.alreadyRecorded', { ticket: shortId(recorded.ticketId), what, next });
    });
  };

  return (
    <Panel title={t('form.title')}>
      <form className="cs-contact-form" onSubmit={onSubmit} noValidate aria-label={t('form.title')}>
        <div className="row">
          <Field label={t('form.channel')} field="channel" error={error}>
            {(control) => (
              <select {...control} value={draft.channel} onChange={(event) => set('channel', event.target.value as Channel)}>
                {CHANNELS.map((value) => (
                  <option key={value} value={value}>
                    {t(`common:channels.${value}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {draft.channel === 'social_media' && (
            <Field label={t('form.platform')} field="platform" error={error} hint={t('form.platformHint')}>
              {(control) => <input {...control} value={draft.platform} onChange={(event) => set('platform', event.target.value)} />}
            </Field>
          )}
          <Field label={t('form.type')} field="type" error={error}>
            {(control) => (
              <select {...control} value={draft.type} onChange={(event) => set('type', event.target.value as TicketType)}>
                {TICKET_TYPES.map((value) => (
                  <option key={value} value={value}>
                    {t(`common:ticketTypes.${value}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('form.priority')} field="priority" error={error} hint={t('form.priorityHint')}>
            {(control) => (
              <select {...control} value={draft.priority} onChange={(event) => set('priority', event.target.value as Priority | '')}>
                <option value="">{t('form.asClassified')}</option>
                {PRIORITIES.map((value) => (
                  <option key={value} value={value}>
                    {t(`common:priorities.${value}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        {draft.type === 'complaint' && <p className="hint cs-contact-form__hint">{t('form.complaintHint')}</p>}
        <fieldset className={`cs-fieldset${fieldMessage(error, 'customer') ? ' cs-fieldset--invalid' : ''}`}>
          <legend>{t('form.customer')}</legend>
          {fieldMessage(error, 'customer') && (
            <p className="field-error" role="alert">
              {fieldMessage(error, 'customer')}
            </p>
          )}
          <div className="row">
            <Field label={t('form.name')} field="customer.name" error={error}>
              {(control) => <input {...control} value={draft.name} onChange={(event) => set('name', event.target.value)} autoComplete="off" />}
            </Field>
            <Field label={t('form.phone')} field="customer.phone" error={error} hint={t('form.phoneHint')}>
              {(control) => <input {...control} type="tel" value={draft.phone} onChange={(event) => set('phone', event.target.value)} autoComplete="off" />}
            </Field>
          </div>
          <div className="row">
            <Field label={t('form.email')} field="customer.email" error={error}>
              {(control) => <input {...control} type="email" value={draft.email} onChange={(event) => set('email', event.target.value)} autoComplete="off" />}
            </Field>
            <Field label={t('form.customerRef')} field="customer.customerId" error={error}>
              {(control) => <input {...control} value={draft.customerId} onChange={(event) => set('customerId', event.target.value)} autoComplete="off" />}
            </Field>
          </div>
          <OpenTicketsHint phone={draft.phone} email={draft.email} base={['cs', 'search']} />
        </fieldset>
        <Field label={t('form.subject')} field="subject" error={error}>
          {(control) => <input {...control} value={draft.subject} onChange={(event) => set('subject', event.target.value)} maxLength={200} />}
        </Field>
        <Field label={t('form.description')} field="description" error={error} hint={t('form.descriptionHint')}>
          {(control) => <textarea {...control} value={draft.description} onChange={(event) => set('description', event.target.value)} rows={5} />}
        </Field>
        <FormNotice error={error} success={success} shown={SHOWN_FIELDS} />
        <div className="cs-actions">
          <button type="submit" disabled={busy}>
            {busy ? t('form.recording') : t('form.record')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => setDraft((current) => ({ ...EMPTY, channel: current.channel }))}>
            {t('form.clear')}
          </button>
        </div>
      </form>
    </Panel>
  );
}

function fieldMessage(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldMessage(field) : undefined;
}
