import { useCallback, useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ConversationEntry, ConversationWords, TicketConversationView, TicketWatchView } from '@handoff/contracts/api';
import { api } from '../api';
import { useLocaleFormat, type LocaleFormat } from '../i18n';
import { useActor } from '../session';
import { Field, Notice } from '../ui';
import { useSubmit } from '../use-submit';
import { AttachButton, AttachmentList, mayAttach } from './attachments';
import './conversation.css';

const WORD_ORDER: readonly (keyof ConversationWords)[] = ['subject', 'description', 'answer', 'request', 'inAnswerTo', 'note', 'reason', 'summary', 'apology', 'correctiveAction', 'objection'];


/** Roles whose work is on the ticket; QA and auditors read the conversation only (as the service decides). */
const WRITERS = ['cs', 'department_handler', 'department_manager', 'management'];

/** Read again this often: a department's progress note reaches CS while CS has the ticket open. */
const REFRESH_MS = 5000;
/** After a note or a file is added: it reaches this view through evaluation's consumer a moment after the answer. */
const CATCH_UP_MS = [300, 1000, 2500];

/**
 * A ticket's conversation as every party reads it: the customer's words, CS's answer, each pass and
 * its reason, the department's progress and result (with the apology and corrective action CS must
 * pass on), the customer's objection, internal notes. Steps without words are shown small, or hidden.
 */
export function Conversation({ ticketId, writable = true }: { ticketId: string; writable?: boolean }) {
  const { t } = useTranslation('conversation');
  const actor = useActor();
  const [conversation, setConversation] = useState<TicketConversationView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [everything, setEverything] = useState(false);

  const load = useCallback(async () => {
    try {
      setConversation(await api<TicketConversationView>('evaluation', `/v1/tickets/${ticketId}/conversation`));
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, [ticketId]);

  useEffect(() => {
    setConversation(null);
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  // A few quick reloads after the person's own write show it without waiting for the next refresh.
  const catchUps = useRef<number[]>([]);
  useEffect(() => () => catchUps.current.forEach((timer) => window.clearTimeout(timer)), []);
  const reloadAfterWrite = useCallback(() => {
    void load();
    catchUps.current.push(...CATCH_UP_MS.map((delay) => window.setTimeout(() => void load(), delay)));
  }, [load]);

  const entries = conversation?.entries ?? [];
  // A file attached to an entry shows on that entry; its own step shows only among every step.
  const shown = everything
    ? entries
    : entries.filter((entry) =>
        // A clock's step says something in its title alone (paused, resumed and till when, a new priority).
        entry.kind === 'attachment' ? entry.attachments?.[0]?.entryId === null : entry.kind !== 'step' || Object.keys(entry.words).length > 0 || entry.clock !== undefined,
      );
  const mayWrite = writable && WRITERS.includes(actor.role);
  return (
    <section className="conversation" aria-label={t('title')} data-testid="conversation" data-ticket-id={ticketId}>
      <header className="conversation__head">
        <h3>{conversation ? t('titleWithCount', { count: entries.length }) : t('title')}</h3>
        <label className="conversation__toggle">
          <input type="checkbox" checked={everything} onChange={(event) => setEverything(event.target.checked)} /> {t('showEverything')}
        </label>
        {conversation && <WatchButton ticketId={ticketId} watching={conversation.watching} watchers={conversation.watchers.length} onChanged={() => void load()} />}
      </header>
      <Notice error={error || undefined} />
      <PausedClock entries={entries} />
      {!conversation && !error && <p className="conversation__empty">{t('loadingConversation')}</p>}
      {conversation && entries.length === 0 && <p className="conversation__empty">{t('empty')}</p>}
      <ol className="conversation__entries">
        {shown.map((entry) => (
          <ConversationItem key={entry.eventId} entry={entry} attach={mayWrite && mayAttach(actor, entry) ? { ticketId, onAdded: reloadAfterWrite } : undefined} />
        ))}
      </ol>
      {mayWrite && <AttachButton ticketId={ticketId} onAdded={reloadAfterWrite} />}
      {mayWrite && <NoteForm ticketId={ticketId} onAdded={reloadAfterWrite} />}
    </section>
  );
}

/**
 * "Paused since … (reason)" while the department waits on the customer or a third party: CS knows
 * what to tell a caller who asks, management why the clock stands still. Read from the entries, so
 * every screen that shows the conversation shows it.
 */
function PausedClock({ entries }: { entries: readonly ConversationEntry[] }) {
  const { t } = useTranslation('conversation');
  const format = useLocaleFormat();
  const last = [...entries].reverse().find((entry) => ['ResolutionClockPaused', 'ResolutionClockResumed', 'TicketReopened', 'ResultReported', 'HandlingClosed'].includes(entry.type));
  if (last?.type !== 'ResolutionClockPaused' || !last.clock?.reason) return null;
  return (
    <p className="notice conversation__paused" data-testid="conversation-paused">
      {t('pausedSince', { time: format.dateTime(last.occurredAt), reason: t(`pauseReasons.${last.clock.reason}`) })}
      {last.words.note ? ` — ${last.words.note}` : ''}
    </p>
  );
}

const SUB_REQUEST_STEPS = new Set(['DeadlineApproaching', 'DeadlineBreached', 'TicketEscalated']);

function ConversationItem({ entry, attach }: { entry: ConversationEntry; attach?: { ticketId: string; onAdded: () => void } }) {
  const { t } = useTranslation('conversation');
  const format = useLocaleFormat();
  const department = entry.departments[0] ?? entry.actor.department ?? '';
  // A sub-request's deadline steps name the sub-request; the round's keep their own words.
  const key = entry.subRequestId && SUB_REQUEST_STEPS.has(entry.type) ? `subRequestSteps.${entry.type}` : `types.${entry.type}`;
  const title = t(key, { department, ...clockWords(entry, t, format), defaultValue: entry.summary });
  const words = WORD_ORDER.filter((name) => entry.words[name]);
  return (
    <li className={`conversation__entry conversation__entry--${entry.kind}`} data-kind={entry.kind} data-type={entry.type}>
      <div className="conversation__meta">
        <strong className="conversation__title">{title}</strong>
        <span className="conversation__who">
          {entry.actor.id} · {t(`common:roles.${entry.actor.role}`, { defaultValue: entry.actor.role })}
          {entry.actor.department ? ` · ${entry.actor.department}` : ''}
        </span>
        <time dateTime={entry.occurredAt}>{format.dateTime(entry.occurredAt)}</time>
        {entry.round !== null && <span className="conversation__round">{t('round', { round: entry.round })}</span>}
      </div>
      {words.length > 0 && (
        <dl className="conversation__words">
          {words.map((name) => (
            <div key={name} className={`conversation__word conversation__word--${name}`}>
              <dt>{t(`words.${name}`)}</dt>
              <dd>{entry.words[name]}</dd>
            </div>
          ))}
        </dl>
      )}
      {entry.kind === 'note' && <p className="conversation__internal">{t('internal')}</p>}
      {entry.mentions && entry.mentions.people.length + entry.mentions.departments.length > 0 && (
        <p className="conversation__mentions">{t('mentions', { names: [...entry.mentions.people, ...entry.mentions.departments].join(', ') })}</p>
      )}
      {entry.attachments && entry.attachments.length > 0 && <AttachmentList files={entry.attachments} />}
      {attach && <AttachButton ticketId={attach.ticketId} entryId={entry.eventId} onAdded={attach.onAdded} />}
    </li>
  );
}

const idsOf = (value: string): string[] =>
  value
    .split(/[,，\s]+/)
    .map((id) => id.trim())
    .filter(Boolean);

/** Follow the ticket (its changes reach the bell) or stop; the count says how many follow it. */
function WatchButton({ ticketId, watching, watchers, onChanged }: { ticketId: string; watching: boolean; watchers: number; onChanged: () => void }) {
  const { t } = useTranslation('conversation');
  const { busy, error, submit } = useSubmit();
  return (
    <div className="conversation__watch">
      <button
        type="button"
        disabled={busy}
        aria-pressed={watching}
        onClick={() =>
          void submit(async () => {
            await api<TicketWatchView>('evaluation', `/v1/tickets/${ticketId}/watch`, watching ? { method: 'DELETE' } : { method: 'POST', body: {} });
            onChanged();
            return null;
          })
        }
      >
        {watching ? t('watch.stop') : t('watch.start')}
      </button>
      <span className="conversation__watchers" data-testid="watchers">{t('watch.count', { count: watchers })}</span>
      <Notice error={error || undefined} />
    </div>
  );
}

function NoteForm({ ticketId, onAdded }: { ticketId: string; onAdded: () => void }) {
  const { t } = useTranslation('conversation');
  const [text, setText] = useState('');
  const [people, setPeople] = useState('');
  const [departments, setDepartments] = useState('');
  const { busy, error, success, submit } = useSubmit();
  return (
    <form
      className="conversation__form"
      aria-label={t('form.title')}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit(async () => {
          await api('evaluation', `/v1/tickets/${ticketId}/notes`, { body: { text, mentions: { people: idsOf(people), departments: idsOf(departments) } } });
          setText('');
          setPeople('');
          setDepartments('');
          onAdded();
          return t('form.added');
        });
      }}
    >
      <h4>{t('form.title')}</h4>
      <Field label={t('form.text')} field="text" error={error} hint={t('form.textHint')}>
        {(control) => <textarea {...control} rows={2} value={text} onChange={(event) => setText(event.target.value)} />}
      </Field>
      <div className="conversation__mention-fields">
        <Field label={t('form.people')} field="mentions.people" error={error} hint={t('form.peopleHint')}>
          {(control) => <input {...control} value={people} onChange={(event) => setPeople(event.target.value)} />}
        </Field>
        <Field label={t('form.departments')} field="mentions.departments" error={error} hint={t('form.departmentsHint')}>
          {(control) => <input {...control} value={departments} onChange={(event) => setDepartments(event.target.value)} />}
        </Field>
      </div>
      <Notice error={error && !(error as { fields?: unknown[] }).fields?.length ? error : undefined} success={success} />
      <button type="submit" disabled={busy}>
        {t('form.submit')}
      </button>
    </form>
  );
}

/** The words of a clock's entry in the reader's language: the pause's reason, how long, the moved deadline. */
function clockWords(entry: ConversationEntry, t: TFunction<'conversation'>, format: LocaleFormat): Record<string, string> {
  const clock = entry.clock;
  if (!clock) return {};
  const minutes = Math.round(clock.pausedMinutes ?? 0);
  return {
    ...(clock.reason ? { reason: t(`pauseReasons.${clock.reason}`) } : {}),
    ...(clock.trigger ? { trigger: t(`resumeTriggers.${clock.trigger}`) } : {}),
    duration: minutes < 60 ? t('duration.minutes', { count: minutes }) : t('duration.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 }),
    ...(clock.resolutionDueAt ? { due: format.dateTime(clock.resolutionDueAt) } : {}),
    ...(clock.priority ? { priority: t(`common:priorities.${clock.priority}`) } : {}),
    ...(clock.previousPriority ? { previousPriority: t(`common:priorities.${clock.previousPriority}`) } : {}),
  };
}
