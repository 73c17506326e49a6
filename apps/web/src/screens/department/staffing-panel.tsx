import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Actor } from '../../session';
import type { DepartmentStaffing, HandlerAvailability } from '@handoff/contracts/api';
import { api } from '../../api';
import { Notice, Panel, formatInstant } from '../../ui';
import { useSubmit } from '../../use-submit';

/**
 * Who of the department is at work: each handler available or away, their tickets in progress
 * against the department's limit. A handler sets their own state; the department's manager and
 * management set anyone's. `changed` reloads it when the queue moved (a slot taken or freed).
 */
export function StaffingPanel({ department, actor, changed }: { department: string; actor: Actor; changed: unknown }) {
  const { t } = useTranslation('department');
  const [staffing, setStaffing] = useState<DepartmentStaffing | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const { busy, error, success, submit } = useSubmit();

  const load = useCallback(() => {
    api<DepartmentStaffing>('routing', `/v1/departments/${encodeURIComponent(department)}/handlers`)
      .then((answer) => {
        setStaffing(answer);
        setLoadError(null);
      })
      .catch(setLoadError);
  }, [department]);
  useEffect(load, [load, changed]);

  const mayToggle = (handler: HandlerAvailability) =>
    actor.role === 'management' || actor.role === 'department_manager' || (actor.role === 'department_handler' && actor.id === handler.handlerId);
  const toggle = (handler: HandlerAvailability) =>
    void submit(async () => {
      const answer = await api<DepartmentStaffing>(
        'routing',
        `/v1/departments/${encodeURIComponent(department)}/handlers/${encodeURIComponent(handler.handlerId)}/${handler.away ? 'back' : 'away'}`,
        { method: 'POST', body: {} },
      );
      setStaffing(answer);
      return t(handler.away ? 'staffing.markedBack' : 'staffing.markedAway', { name: handler.name });
    });

  if (loadError) return <Notice error={loadError} />;
  if (!staffing) return null;
  return (
    <Panel title={t('staffing.title')}>
      <p className="muted dept-small">
        {staffing.wipLimit === null ? t('staffing.noLimit') : t('staffing.limit', { count: staffing.wipLimit })}
      </p>
      <ul className="dept-staff" data-testid="staffing">
        {staffing.handlers.map((handler) => (
          <li key={handler.handlerId} data-testid="staff-row" data-handler-id={handler.handlerId} data-away={handler.away}>
            <span className="dept-staff__name">
              {handler.name}
              {handler.handlerId === actor.id && <span className="muted"> {t('staffing.you')}</span>}
            </span>
            <span className={`badge${handler.away ? ' badge--warn' : ' badge--ok'}`} data-testid="staff-state">
              {handler.away ? (handler.until ? t('staffing.awayUntil', { time: formatInstant(handler.until) }) : t('staffing.away')) : t('staffing.available')}
            </span>
            <span className="dept-staff__load" data-testid="staff-load">
              {handler.limit === null ? t('staffing.load', { count: handler.inProgress }) : t('staffing.loadOfLimit', { count: handler.inProgress, limit: handler.limit })}
            </span>
            {mayToggle(handler) && (
              <button type="button" className="secondary" disabled={busy} onClick={() => toggle(handler)} data-testid="staff-toggle">
                {handler.away ? t('staffing.markBack') : handler.handlerId === actor.id ? t('staffing.markMeAway') : t('staffing.markAway')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <Notice error={error || undefined} success={success} />
    </Panel>
  );
}
