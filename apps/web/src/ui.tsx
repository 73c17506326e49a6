import { useId, type ReactNode } from 'react';
import { ApiError, describeError } from './api';
import { useTranslation } from 'react-i18next';
import { i18n, localeFormat, useLocaleFormat } from './i18n';

/**
 * A labelled form control with the service's error for that field next to it. `field` is the
 * dotted path the services name in a 400 (`customer.phone`), so their checks show where they apply.
 */
export function Field(props: {
  label: string;
  field: string;
  error?: unknown;
  hint?: string;
  children: (control: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string; name: string }) => ReactNode;
}) {
  const id = useId();
  const message = props.error instanceof ApiError ? props.error.fieldMessage(props.field) : undefined;
  const describedBy = [message ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${message ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, name: props.field, 'aria-invalid': Boolean(message), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {props.hint && (
        <small id={`${id}-hint`} className="hint">
          {props.hint}
        </small>
      )}
      {message && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {message}
        </small>
      )}
    </div>
  );
}

/** A request's outcome for the person: the refusal in words, or a confirmation. */
export function Notice({ error, success }: { error?: unknown; success?: string | null }) {
  if (error) {
    const unnamed = error instanceof ApiError && error.fields.length > 0 ? ` (${error.fields.map((field) => `${field.field}: ${field.message}`).join('; ')})` : '';
    return (
      <p className="notice notice--error" role="alert">
        {describeError(error)}
        {unnamed}
      </p>
    );
  }
  if (success) {
    return (
      <p className="notice notice--success" role="status">
        {success}
      </p>
    );
  }
  return null;
}

export function Panel({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = useId();
  return (
    <section className="panel" aria-labelledby={id}>
      <header className="panel-header">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

/** A date and time in the current language ("5 Dec 2026, 09:30" / "2026年12月5日 09:30"). */
export function formatInstant(iso: string | null | undefined): string {
  return localeFormat().dateTime(iso);
}

/** 95 minutes as "1 h 35 min"; negative durations as "-…" (overdue). */
export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined || Number.isNaN(milliseconds)) return '—';
  const sign = milliseconds < 0 ? '-' : '';
  let seconds = Math.round(Math.abs(milliseconds) / 1000);
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const unit = (name: 'd' | 'h' | 'min' | 's', count: number) => i18n.t(`common:duration.${name}`, { count });
  const parts = days > 0 ? [unit('d', days), unit('h', hours)] : hours > 0 ? [unit('h', hours), unit('min', minutes)] : minutes > 0 ? [unit('min', minutes)] : [unit('s', seconds)];
  return sign + parts.join(' ');
}

export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  return localeFormat().percent(ratio, digits);
}

/**
 * The foot of a paged list: "Load more" while the service has another page (its `nextCursor`),
 * and a plain "all N shown" once it has none, so a list never seems to stop where it does not.
 */
export function LoadMore({ hasMore, loading, onMore, shown }: { hasMore: boolean; loading: boolean; onMore: () => void; shown: number }) {
  const { t } = useTranslation('lists');
  return (
    <p className="load-more">
      {hasMore ? (
        <button type="button" className="secondary" onClick={onMore} disabled={loading} data-testid="load-more">
          {loading ? t('loadingMore') : t('loadMore', { shown })}
        </button>
      ) : (
        <span className="muted" data-testid="all-shown">
          {t('allShown', { shown })}
        </span>
      )}
    </p>
  );
}

/** A deadline as "due Mon 5 Dec, 09:30", saying "(business hours)" when it counts only the calendar's opening hours. */
export function DueAt({ iso, businessHours, testId }: { iso: string; businessHours: boolean; testId?: string }) {
  const { t } = useTranslation('lists');
  const format = useLocaleFormat();
  const when = format.dateTime(iso, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return (
    <span className="muted dept-small" data-testid={testId}>
      {t(businessHours ? 'dueBusinessHours' : 'due', { when })}
    </span>
  );
}
