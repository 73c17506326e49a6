import { i18n } from '../../i18n';
import { formatInstant } from '../../ui';

const pad = (value: number) => String(value).padStart(2, '0');

/** 50 400 000 ms as "14:00:00"; over a day "2 d 03:04:05": the seconds move, so a glance shows the clock runs. */
export function formatClock(milliseconds: number): string {
  let seconds = Math.floor(Math.abs(milliseconds) / 1000);
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${days > 0 ? i18n.t('department:countdown.days', { count: days }) : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
}

/** A deadline counting down every second, marked once it is past. */
export function Countdown({ dueAt, now, label }: { dueAt: string; now: number; label?: string }) {
  const remaining = Date.parse(dueAt) - now;
  const overdue = remaining < 0;
  const soon = !overdue && remaining < 30 * 60_000;
  return (
    <span className={`dept-countdown${overdue ? ' dept-countdown--overdue' : soon ? ' dept-countdown--soon' : ''}`} data-testid="countdown" title={i18n.t('department:countdown.due', { time: formatInstant(dueAt) })}>
      {label && <span className="dept-countdown__label">{label}</span>}
      <time dateTime={dueAt}>{i18n.t(overdue ? 'department:countdown.overdueBy' : 'department:countdown.dueIn', { clock: formatClock(remaining) })}</time>
    </span>
  );
}
