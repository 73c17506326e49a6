import { useEffect, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n, localeFormat } from '../../i18n';
import { api } from '../../api';
import { formatDuration, Notice, Panel } from '../../ui';
import { formatMoment, holderName, type Holder, type Holding, type Ledger } from './audit-types';

/** One swimlane per holder; a holder who got the ticket twice has two bars in its lane. */
function laneOf(holder: Holder): { key: string; label: string; kind: Holder['kind'] } {
  switch (holder.kind) {
    case 'cs':
      return { key: 'cs', label: i18n.t('auditor:holders.cs'), kind: 'cs' };
    case 'department':
      return { key: `department:${holder.department}`, label: i18n.t('auditor:holders.department', { department: holder.department }), kind: 'department' };
    case 'handler':
      return { key: `handler:${holder.department}:${holder.handlerId}`, label: `${holder.handlerId} (${holder.department})`, kind: 'handler' };
    case 'management':
      return { key: 'management', label: i18n.t('auditor:holders.management'), kind: 'management' };
  }
}

/** Holdings can last well under a second (a system passing it straight on): show the milliseconds then. */
const formatHeld = (milliseconds: number): string => (milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : formatDuration(milliseconds));

const held = (holding: Holding, now: number): number => (holding.to ? Date.parse(holding.to) : now) - Date.parse(holding.from);

/** Clock time on the axis, with milliseconds when the whole ledger spans only seconds. */
function tickLabel(iso: string, span: number): string {
  return localeFormat().time(iso, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(span < 10_000 ? { fractionalSecondDigits: 3 as const } : {}),
  });
}

export function LedgerView({ ticketId }: { ticketId: string }) {
  const [ledger, setLedger] = useState<Ledger | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [now] = useState(() => Date.now());
  const { t } = useTranslation('auditor');

  useEffect(() => {
    let current = true;
    api<Ledger>('evaluation', `/v1/tickets/${encodeURIComponent(ticketId)}/handoffs`)
      .then((body) => current && setLedger(body))
      .catch((caught: unknown) => current && setError(caught));
    return () => {
      current = false;
    };
  }, [ticketId]);

  if (error) return <Notice error={error} />;
  if (!ledger) return <p className="muted">{t('ledger.loading')}</p>;
  if (ledger.holdings.length === 0) return <Panel title={t('ledger.title')}><p className="muted">{t('ledger.nobody')}</p></Panel>;

  // A sub-request's holders hold their part beside the ticket's own holder: lanes of their own, after the ticket's.
  const parallel = ledger.parallel ?? [];
  const every = [...ledger.holdings, ...parallel];
  const start = Math.min(...every.map((holding) => Date.parse(holding.from)));
  const end = Math.max(...every.map((holding) => (holding.to ? Date.parse(holding.to) : now)));
  const span = Math.max(end - start, 1);
  const lanes: { key: string; label: string; kind: Holder['kind']; holdings: Holding[] }[] = [];
  const place = (holding: Holding, lane: { key: string; label: string; kind: Holder['kind'] }) => {
    const found = lanes.find((candidate) => candidate.key === lane.key);
    if (found) found.holdings.push(holding);
    else lanes.push({ ...lane, holdings: [holding] });
  };
  for (const holding of ledger.holdings) place(holding, laneOf(holding.holder));
  for (const holding of parallel) {
    const lane = laneOf(holding.holder);
    place(holding, { ...lane, key: `parallel:${lane.key}`, label: t('ledger.parallel', { holder: lane.label }) });
  }
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => ({ fraction, at: new Date(start + fraction * span).toISOString() }));
  const longest = ledger.holdings.reduce((best, holding) => (held(holding, now) > held(best, now) ? holding : best), ledger.holdings[0]!);

  return (
    <>
      <Panel title={t('ledger.title')}>
        <p className="muted">
          {t('ledger.intro', {
            count: ledger.holdings.length,
            from: formatMoment(new Date(start).toISOString()),
            to: ledger.holdings.some((holding) => holding.to === null) ? t('ledger.now') : formatMoment(new Date(end).toISOString()),
            span: formatHeld(span),
            holder: holderName(longest.holder),
            longest: formatHeld(held(longest, now)),
          })}
        </p>
        <div className="swimlanes" role="img" aria-label={t('ledger.lanes')} data-testid="ledger-lanes">
          {lanes.map((lane) => (
            <div className="swimlane" key={lane.key}>
              <div className="swimlane__label" title={lane.label}>
                {lane.label}
              </div>
              <div className="swimlane__track">
                {lane.holdings.map((holding) => {
                  const style: CSSProperties = {
                    left: `${((Date.parse(holding.from) - start) / span) * 100}%`,
                    width: `max(6px, ${(held(holding, now) / span) * 100}%)`,
                  };
                  return (
                    <span
                      key={`${holding.from}-${holding.receivedBy}`}
                      className={`swimlane__bar swimlane__bar--${lane.kind}${holding.to === null ? ' swimlane__bar--open' : ''}`}
                      style={style}
                      title={`${lane.label}: ${formatMoment(holding.from)} → ${holding.to ? formatMoment(holding.to) : t('ledger.now')} (${formatHeld(held(holding, now))})`}
                    />
                  );
                })}
              </div>
            </div>
          ))}
          <div className="swimlane swimlane--axis" aria-hidden="true">
            <div className="swimlane__label" />
            <div className="swimlane__track swimlane__track--axis">
              {ticks.map((tick) => (
                <span key={tick.fraction} className="swimlane__tick" style={{ left: `${tick.fraction * 100}%` }}>
                  {tickLabel(tick.at, span)}
                </span>
              ))}
            </div>
          </div>
        </div>
      </Panel>
      <Panel title={t('ledger.holdings')}>
        <div className="table-scroll">
          <table data-testid="ledger-table">
            <thead>
              <tr>
                <th scope="col">{t('ledger.holder')}</th>
                <th scope="col">{t('ledger.from')}</th>
                <th scope="col">{t('ledger.to')}</th>
                <th scope="col">{t('ledger.heldFor')}</th>
                <th scope="col">{t('ledger.givenTaken')}</th>
              </tr>
            </thead>
            <tbody>
              {every.map((holding) => (
                <tr key={`${'subRequestId' in holding ? holding.subRequestId : ''}${holding.from}-${holding.receivedBy}`} {...('subRequestId' in holding ? { 'data-parallel': 'true' } : {})}>
                  <td>{'subRequestId' in holding ? t('ledger.parallel', { holder: holderName(holding.holder) }) : holderName(holding.holder)}</td>
                  <td>{formatMoment(holding.from)}</td>
                  <td>{holding.to ? formatMoment(holding.to) : <span className="badge badge--warn">{t('ledger.stillHolding')}</span>}</td>
                  <td>{formatHeld(held(holding, now))}</td>
                  <td className="muted">
                    {holding.receivedBy}
                    {holding.passedOnBy ? ` / ${holding.passedOnBy}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {ledger.bounces.length > 0 && (
          <p data-testid="ledger-bounces">
            <span className="badge badge--warn">{t('ledger.bounced')}</span>
            {t('ledger.bouncedTo', { list: ledger.bounces.map((bounce) => t('ledger.bounceAt', { department: bounce.department, time: formatMoment(bounce.at) })).join('; ') })}
          </p>
        )}
        {ledger.managementInvolved.length > 0 && (
          <p>{t('ledger.management', { list: ledger.managementInvolved.map((entry) => t('ledger.managementAt', { reason: entry.reason.replace(/_/g, ' '), time: formatMoment(entry.at) })).join('; ') })}</p>
        )}
      </Panel>
    </>
  );
}
