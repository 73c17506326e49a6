import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { href, navigate } from '../../router';
import { useActor } from '../../session';
import type { Page } from '../../paging';
import { Field, formatInstant, formatPercent, LoadMore, Notice, Panel } from '../../ui';
import { channelName } from '../management/kpi-dashboard';
import type { KpiReport } from '../management/kpi-types';
import { DEFAULT_TIME_ZONE, periodsOf } from '../management/zoned-time';
import { CorrectiveActions } from './corrective-actions';
import { InspectionForm } from './inspection-form';
import type { Rubric } from './rubric';
import type { InspectionResult, SampleDrawn, SampleSummary, SampleView } from './qa-types';
import { RECORD_PARTS } from './qa-types';
import './qa.css';

/** Samples per page of the list of a team's samples in a period. */
const SAMPLES_PAGE = 20;

interface Department {
  readonly id: string;
  readonly name: string;
}

export function QaScreen({ route }: { route: readonly string[] }) {
  const actor = useActor();
  const inspector = actor.role === 'qa';
  const sampleId = route[0];
  const [departments, setDepartments] = useState<readonly Department[]>([]);
  const [periods, setPeriods] = useState(() => periodsOf(Date.now(), DEFAULT_TIME_ZONE));
  const [team, setTeam] = useState('cs');
  const [period, setPeriod] = useState(periods.week);
  const [seed, setSeed] = useState('');
  const [pasted, setPasted] = useState('');
  const [drawError, setDrawError] = useState<unknown>(null);
  const [drawing, setDrawing] = useState(false);
  const [sample, setSample] = useState<SampleView | null>(null);
  const [sampleError, setSampleError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [actionsVersion, setActionsVersion] = useState(0);
  const { t } = useTranslation('qa');

  const [rubric, setRubric] = useState<Rubric | null>(null);
  const [rubricError, setRubricError] = useState<unknown>(null);
  useEffect(() => {
    api<Rubric>('evaluation', '/v1/qa/rubric')
      .then(setRubric)
      .catch(setRubricError);
    api<{ departments: Department[] }>('routing', '/v1/departments')
      .then((body) => setDepartments(body.departments))
      .catch(() => setDepartments([]));
    // The sampling periods are the organisation's weeks and months (KPI_TIME_ZONE), which a KPI report names.
    const now = Date.now();
    api<KpiReport>('evaluation', '/v1/kpis', { query: { from: new Date(now).toISOString(), to: new Date(now + 1).toISOString() } })
      .then((report) => {
        const zoned = periodsOf(now, report.timeZone);
        setPeriods(zoned);
        setPeriod((current) => (current === periods.week ? zoned.week : current));
      })
      .catch(() => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Without a sample in the address, open the newest drawn for the team and period, if any.
  const [drawnSamples, setDrawnSamples] = useState<readonly SampleSummary[] | null>(null);
  const [moreSamples, setMoreSamples] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setDrawnSamples(null);
    setMoreSamples(null);
    api<Page<SampleSummary>>('evaluation', '/v1/qa/samples', { query: { team, period: period.trim(), limit: SAMPLES_PAGE } })
      .then((body) => {
        if (!current) return;
        setDrawnSamples(body.items);
        setMoreSamples(body.nextCursor);
        if (!sampleId && body.items[0]) navigate('qa', body.items[0].sampleId);
      })
      .catch(() => current && setDrawnSamples([]));
    return () => {
      current = false;
    };
  }, [sampleId, team, period]);
  const loadMoreSamples = () => {
    if (!moreSamples) return;
    api<Page<SampleSummary>>('evaluation', '/v1/qa/samples', { query: { team, period: period.trim(), limit: SAMPLES_PAGE, cursor: moreSamples } })
      .then((body) => {
        setDrawnSamples((known) => [...(known ?? []), ...body.items]);
        setMoreSamples(body.nextCursor);
      })
      .catch(() => undefined);
  };

  const loadSample = useCallback(async (id: string) => {
    try {
      const view = await api<SampleView>('evaluation', `/v1/qa/samples/${encodeURIComponent(id)}`);
      setSample(view);
      setSampleError(null);
      return view;
    } catch (error) {
      setSample(null);
      setSampleError(error);
      return null;
    }
  }, []);

  useEffect(() => {
    setSelected(null);
    setOutcome(null);
    if (!sampleId) {
      setSample(null);
      setSampleError(null);
      return;
    }
    void loadSample(sampleId).then((view) => {
      if (!view) return;
      setTeam(view.team);
      setPeriod(view.period);
    });
  }, [sampleId, loadSample]);

  const draw = async (event: FormEvent) => {
    event.preventDefault();
    setDrawError(null);
    setDrawing(true);
    try {
      const body = { team, period: period.trim(), ...(seed.trim() ? { seed: Number(seed) } : {}) };
      const drawn = await api<SampleDrawn>('evaluation', '/v1/qa/samples', { body });
      navigate('qa', drawn.sampleId);
    } catch (error) {
      setDrawError(error);
    } finally {
      setDrawing(false);
    }
  };

  const inspected = async (result: InspectionResult) => {
    setSelected(null);
    setOutcome(t('inspected', { ticket: result.ticketId.slice(0, 8), total: result.total }) + (result.correctiveActionRequired ? t('inspectedAction') : '.'));
    // The sample's inspections and the actions list follow the events by a moment.
    for (let attempt = 0; attempt < 20; attempt++) {
      const view = await loadSample(result.sampleId);
      if (view?.records.find((record) => record.ticketId === result.ticketId)?.inspection) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    setActionsVersion((version) => version + 1);
  };

  const teams = [{ id: 'cs', name: t('csTeam') }, ...departments];
  return (
    <div className="qa">
      <h1 className="mqa-title">{t('title')}</h1>
      <p className="notice qa-readonly" data-testid="qa-read-only">
        {t('readOnly')}
      </p>
      <Panel title={t('sample')}>
        <form className="qa-draw" aria-label={t('drawForm')} onSubmit={(event) => void draw(event)}>
          <Field label={t('team')} field="team" error={drawError}>
            {(control) => (
              <select {...control} value={team} onChange={(event) => setTeam(event.target.value)}>
                {teams.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('period')} field="period" error={drawError} hint={t('periodHint', { week: periods.week, month: periods.month })}>
            {(control) => <input {...control} value={period} onChange={(event) => setPeriod(event.target.value)} spellCheck={false} />}
          </Field>
          <div className="row qa-period-shortcuts">
            <button type="button" className="secondary" onClick={() => setPeriod(periods.week)}>
              {t('thisWeek')}
            </button>
            <button type="button" className="secondary" onClick={() => setPeriod(periods.month)}>
              {t('thisMonth')}
            </button>
          </div>
          {inspector && (
            <Field label={t('seed')} field="seed" error={drawError} hint={t('seedHint')}>
              {(control) => <input {...control} value={seed} inputMode="numeric" onChange={(event) => setSeed(event.target.value)} />}
            </Field>
          )}
          <div className="row qa-draw__actions">
            {inspector && (
              <button type="submit" disabled={drawing}>
                {drawing ? t('drawing') : drawnSamples && drawnSamples.length > 0 ? t('drawAnother') : t('draw')}
              </button>
            )}
          </div>
        </form>
        <Notice error={drawError instanceof ApiError && drawError.fields.length > 0 ? undefined : drawError} />
        <form
          className="row qa-open"
          aria-label={t('openForm')}
          onSubmit={(event) => {
            event.preventDefault();
            if (pasted.trim()) navigate('qa', pasted.trim());
          }}
        >
          <Field label={t('sampleId')} field="sampleId">
            {(control) => <input {...control} value={pasted} onChange={(event) => setPasted(event.target.value)} placeholder={t('sampleIdPlaceholder')} spellCheck={false} />}
          </Field>
          <button type="submit" className="secondary">
            {t('open')}
          </button>
        </form>
        {drawnSamples && drawnSamples.length === 0 && (
          <p className="muted">
            {t(inspector ? 'noneDrawnDraw' : 'noneDrawn', { period })}
          </p>
        )}
        {drawnSamples && (drawnSamples.length > 1 || moreSamples) && (
          <nav aria-label={t('drawnFor', { period })}>
            <p className="muted">{t('drawnForTeam', { period })}</p>
            <ul className="qa-drawn">
              {drawnSamples.map((drawn) => (
                <li key={drawn.sampleId}>
                  <a href={href('qa', drawn.sampleId)} aria-current={drawn.sampleId === sampleId ? 'page' : undefined}>
                    {t('drawnLink', { seed: drawn.seed, size: drawn.size, population: drawn.populationSize })}
                  </a>{' '}
                  <span className="muted">
                    {t('drawnBy', { who: drawn.drawnBy, time: formatInstant(drawn.drawnAt) })}
                  </span>
                </li>
              ))}
            </ul>
            <LoadMore hasMore={Boolean(moreSamples)} loading={false} onMore={loadMoreSamples} shown={drawnSamples.length} />
          </nav>
        )}
      </Panel>
      <Notice error={sampleError} success={outcome} />
      {sample && <SampleDetails sample={sample} inspector={inspector} selected={selected} onSelect={setSelected} />}
      <Notice error={rubricError} />
      {sample && selected && inspector && rubric && (
        <InspectionForm key={selected} rubric={rubric} sampleId={sample.sampleId} ticketId={selected} onCancel={() => setSelected(null)} onDone={(result) => void inspected(result)} />
      )}
      <CorrectiveActions teams={teams} version={actionsVersion} />
    </div>
  );
}

function SampleDetails(props: { sample: SampleView; inspector: boolean; selected: string | null; onSelect: (ticketId: string) => void }) {
  const { sample } = props;
  const { t } = useTranslation('qa');
  return (
    <Panel title={t('details.title', { team: sample.team, period: sample.period })}>
      <dl className="mqa-facts" data-testid="sample-facts">
        <div>
          <dt>{t('details.seed')}</dt>
          <dd data-testid="sample-seed">{sample.seed}</dd>
        </div>
        <div>
          <dt>{t('details.policy')}</dt>
          <dd>
            {t('details.policyText', {
              rate: formatPercent(sample.policy.rate, 0),
              cadence: t(`cadence.${sample.policy.cadence}`, { defaultValue: sample.policy.cadence }),
              rule: sample.policy.rule,
              version: sample.policy.version,
            })}
          </dd>
        </div>
        <div>
          <dt>{t('details.records')}</dt>
          <dd>
            {t('details.recordsText', { size: sample.size, population: sample.populationSize, target: sample.targetSize })}
          </dd>
        </div>
        <div>
          <dt>{t('details.drawn')}</dt>
          <dd>
            {t('details.drawnText', { time: formatInstant(sample.drawnAt), who: sample.drawnBy })}
          </dd>
        </div>
        <div>
          <dt>{t('details.agents')}</dt>
          <dd>
            {(sample.sampledAgents ?? sample.agents).join(', ') || '—'} ({t('details.ofPopulation', { count: sample.agents.length })}
            {sample.previouslySampledAgents?.length ? `; ${t('details.sampledLastPeriod', { agents: sample.previouslySampledAgents.join(', ') })}` : ''})
          </dd>
        </div>
        <div>
          <dt>{t('details.channels')}</dt>
          <dd>
            {(sample.sampledChannels ?? sample.channels).map(channelName).join(', ') || '—'} ({t('details.ofPopulation', { count: sample.channels.length })})
          </dd>
        </div>
        <div>
          <dt>{t('details.redrawn')}</dt>
          <dd>
            {sample.redraw.sameSample ? (
              <span className="badge badge--ok">{t('details.same')}</span>
            ) : sample.redraw.samePopulation ? (
              <span className="badge badge--danger">{t('details.different')}</span>
            ) : (
              <span className="badge badge--warn">{t('details.populationChanged', { count: sample.redraw.populationSize })}</span>
            )}
          </dd>
        </div>
      </dl>
      <p className="muted qa-sample-id">
        {t('details.sampleId')} <code>{sample.sampleId}</code>
      </p>
      <div className="table-scroll">
        <table className="qa-records" data-testid="sample-records">
          <caption className="mqa-visually-hidden">{t('details.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('details.ticket')}</th>
              <th scope="col">{t('details.channel')}</th>
              <th scope="col">{t('details.agentsColumn')}</th>
              {RECORD_PARTS.map(({ part }) => (
                <th key={part} scope="col" className="qa-part">
                  {t(`parts.${part}`)}
                </th>
              ))}
              <th scope="col">{t('details.record')}</th>
              <th scope="col">{t('details.inspection')}</th>
            </tr>
          </thead>
          <tbody>
            {sample.records.map((record) => (
              <tr key={record.ticketId} data-ticket={record.ticketId} aria-selected={props.selected === record.ticketId}>
                <td>
                  <a href={href('auditor', record.ticketId)} title={record.ticketId}>
                    {record.subject ?? t('lists:ticket')} <code className="muted">{record.ticketId.slice(0, 8)}</code>
                  </a>
                </td>
                <td>{channelName(record.channel)}</td>
                <td>{record.agents.join(', ') || '—'}</td>
                {RECORD_PARTS.map(({ part }) => (
                  <td key={part} className={`qa-part ${record.parts[part] ? 'qa-part--present' : 'qa-part--missing'}`}>
                    <span aria-hidden="true">{record.parts[part] ? '✓' : '✗'}</span>
                    <span className="mqa-visually-hidden">
                      {t(`parts.${part}`)} {record.parts[part] ? t('details.present') : t('details.missing')}
                    </span>
                  </td>
                ))}
                <td>{record.needsImprovement ? <span className="badge badge--warn">{t('details.needsImprovement')}</span> : <span className="badge badge--ok">{t('details.completeEnough')}</span>}</td>
                <td>
                  {record.inspection ? (
                    <span className={`badge ${record.inspection.correctiveActionRequired ? 'badge--danger' : 'badge--ok'}`}>
                      {record.inspection.total}
                      {record.inspection.correctiveActionRequired ? t('details.actionRequired') : ''}
                    </span>
                  ) : props.inspector ? (
                    <button type="button" className="secondary" aria-label={t('details.scoreTicket', { ticket: record.ticketId })} onClick={() => props.onSelect(record.ticketId)}>
                      {t('details.score')}
                    </button>
                  ) : (
                    <span className="muted">{t('details.notYet')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
