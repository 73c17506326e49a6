import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { href, navigate } from '../../router';
import { useActor } from '../../session';
import { LoadMore, Notice, Panel } from '../../ui';
import { useNow } from '../cs/use-now';
import { runningDeadlines, type Department } from './department-types';
import { QueueTable } from './queue-table';
import { StaffingPanel } from './staffing-panel';
import { SubRequestsAsked } from './sub-requests-asked';
import { TicketPanel, TransferAnswer } from './ticket-panel';
import { useQueue, type LiveState } from './use-queue';
import './department.css';

// Each view's name is `views.<id>` in the department namespace; each is a status filter the
// service applies (several statuses separated by commas), so it reaches every ticket, not a page.
const VIEWS = {
  open: { status: 'awaiting_handler,in_progress,with_management' },
  awaiting_handler: { status: 'awaiting_handler' },
  in_progress: { status: 'in_progress' },
  result_reported: { status: 'result_reported' },
  closed: { status: 'closed' },
  all: { status: undefined },
} as const;
type View = keyof typeof VIEWS;

const LIVE_BADGE: Record<LiveState, string> = { connecting: '', live: 'badge--ok', reconnecting: 'badge--warn', closed: 'badge--danger' };

/**
 * A department's queue, live: what waits for a handler, who has what, every deadline counting
 * down. Department staff see their own department; management picks any.
 * Routes: `#/department/<department>` and `#/department/<department>/ticket/<ticketId>`.
 */
export function DepartmentScreen({ route }: { route: readonly string[] }) {
  const actor = useActor();
  const [departments, setDepartments] = useState<readonly Department[]>([]);
  const [departmentsError, setDepartmentsError] = useState<unknown>(null);
  const [view, setView] = useState<View>('open');
  const [mineOnly, setMineOnly] = useState(false);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [changed, setChanged] = useState(0);
  const now = useNow(1000);
  const ids = useId();
  const { t } = useTranslation('department');

  useEffect(() => {
    api<{ departments: Department[] }>('routing', '/v1/departments')
      .then((answer) => setDepartments(answer.departments))
      .catch(setDepartmentsError);
  }, []);

  const departmental = actor.role === 'department_handler' || actor.role === 'department_manager';
  const asked = route[0];
  const department = departmental ? actor.department : (asked ?? departments[0]?.id);
  const selected = route[1] === 'ticket' ? route[2] : undefined;

  const onTicketChange = useCallback(
    (ticketId: string) => {
      if (ticketId === selected) setChanged((count) => count + 1);
    },
    [selected],
  );
  const filter = useMemo(
    () => ({ status: VIEWS[view].status, ...(mineOnly ? { handler: actor.id } : {}), ...(overdueOnly ? { overdue: true } : {}) }),
    [view, mineOnly, overdueOnly, actor.id],
  );
  const { queue, error, live, loading, refresh, loadMore } = useQueue(department, filter, onTicketChange);

  const shown = queue?.items ?? [];
  // Counted over the tickets loaded; "+" while more pages wait behind "Load more".
  const more = queue?.nextCursor ? '+' : '';
  const overdueCount = `${shown.filter((item) => runningDeadlines(item).some((deadline) => Date.parse(deadline.dueAt) < now)).length}${more}`;
  const waitingCount = `${shown.filter((item) => item.status === 'awaiting_handler').length}${more}`;
  const departmentName = departments.find((candidate) => candidate.id === department)?.name ?? department;
  const nameOf = (personId: string) =>
    departments.flatMap((candidate) => [...candidate.handlers, ...candidate.managers]).find((person) => person.id === personId)?.name ?? personId;

  if (!department) {
    return departmentsError ? <Notice error={departmentsError} /> : <p className="muted">{t('loadingDepartments')}</p>;
  }

  return (
    <div className="dept-screen">
      <div className="dept-head">
        <h1>
          {t('queueOf', { department: departmentName })} <span className={`badge ${LIVE_BADGE[live]}`} data-testid="live-state">{t(`live.${live}`)}</span>
        </h1>
        {!departmental && (
          <div className="dept-inline-field">
            <label htmlFor={`${ids}-department`}>{t('department')}</label>
            <select id={`${ids}-department`} value={department} onChange={(event) => navigate('department', event.target.value)}>
              {departments.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {departmental && asked && asked !== department && (
        <p className="notice notice--error" role="alert">
          {t('notYours', { department, asked })}
        </p>
      )}
      <div className={`dept-layout${selected ? ' dept-layout--with-ticket' : ''}`}>
        <div className="dept-layout__queue">
          <StaffingPanel department={department} actor={actor} changed={queue} />
          {queue && queue.incomingTransfers.length > 0 && (
            <Panel title={t('passedTo', { department: departmentName, count: queue.incomingTransfers.length })}>
              <ul className="dept-incoming">
                {queue.incomingTransfers.map((item) => (
                  <li key={item.ticketId} data-testid="incoming-transfer" data-ticket-id={item.ticketId}>
                    <a href={href('department', department, 'ticket', item.ticketId)}>{item.subject ?? t('ticketShort', { id: item.ticketId.slice(0, 8) })}</a>{' '}
                    <span className="muted">
                      {t('from', { department: item.department })}
                      {item.pendingTransfer?.reason ? `: “${item.pendingTransfer.reason}”` : ''}
                    </span>
                    <TransferAnswer ticketId={item.ticketId} from={item.department} reason={item.pendingTransfer?.reason ?? null} onDone={() => void refresh()} compact />
                  </li>
                ))}
              </ul>
            </Panel>
          )}
          {queue && queue.subRequests.length > 0 && <SubRequestsAsked queue={queue} department={department} departmentName={departmentName ?? department} nameOf={(id) => departments.find((candidate) => candidate.id === id)?.name ?? id} />}
          <Panel
            title={t('tickets', { count: `${shown.length}${more}` as unknown as number })}
            actions={
              <button type="button" className="secondary" onClick={() => void refresh()} disabled={loading}>
                {loading ? t('common:refreshing') : t('common:refresh')}
              </button>
            }
          >
            <p className="dept-summary">
              <span className="badge">{t('waitingCount', { count: waitingCount as unknown as number })}</span>{' '}
              <span className={`badge${overdueCount !== '0' ? ' badge--danger' : ''}`}>{t('overdueCount', { count: overdueCount as unknown as number })}</span>
            </p>
            {queue && (
              <p className="muted dept-small" data-testid="queue-order" title={queue.order.description}>
                {t('lists:queueOrder', { description: t(`lists:queueOrderModes.${queue.order.mode}`, { defaultValue: queue.order.description }) })}
              </p>
            )}
            <div className="dept-filters">
              <div className="dept-inline-field">
                <label htmlFor={`${ids}-view`}>{t('show')}</label>
                <select id={`${ids}-view`} value={view} onChange={(event) => setView(event.target.value as View)}>
                  {Object.keys(VIEWS).map((value) => (
                    <option key={value} value={value}>
                      {t(`views.${value}`)}
                    </option>
                  ))}
                </select>
              </div>
              {departmental && (
                <label className="dept-check">
                  <input type="checkbox" checked={mineOnly} onChange={(event) => setMineOnly(event.target.checked)} /> {t('mineOnly')}
                </label>
              )}
              <label className="dept-check">
                <input type="checkbox" checked={overdueOnly} onChange={(event) => setOverdueOnly(event.target.checked)} /> {t('overdueOnly')}
              </label>
            </div>
            <Notice error={error || undefined} />
            {!queue ? (
              <p className="muted">{t('loadingQueue')}</p>
            ) : shown.length === 0 ? (
              <p className="muted" data-testid="queue-empty">
                {t(view !== 'all' || mineOnly || overdueOnly ? 'nothingFiltered' : 'nothingHere')}
              </p>
            ) : (
              <>
                <QueueTable
                  items={shown}
                  department={department}
                  now={now}
                  selected={selected}
                  label={t('tableLabel', { department: departmentName })}
                  nameOf={nameOf}
                  assignsAutomatically={(departments.find((candidate) => candidate.id === department)?.strategy ?? 'manual') !== 'manual'}
                />
                <LoadMore hasMore={Boolean(queue.nextCursor)} loading={loading} onMore={() => void loadMore()} shown={shown.length} />
              </>
            )}
          </Panel>
        </div>
        {selected && (
          <div className="dept-layout__ticket">
            <TicketPanel
              key={selected}
              ticketId={selected}
              department={department}
              departments={departments}
              actor={actor}
              now={now}
              changed={changed}
              onChanged={() => void refresh()}
            />
          </div>
        )}
      </div>
    </div>
  );
}
