import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api';
import { href, navigate } from '../../router';
import { useActor } from '../../session';
import { Field, formatInstant, formatPercent, Notice, Panel } from '../../ui';
import { channelName } from '../management/kpi-dashboard';
import type { KpiReport } from '../management/kpi-types';
import { DEFAULT_TIME_ZONE, periodsOf } from '../management/zoned-time';
import { CorrectiveActions } from './corrective-actions';
import { InspectionForm } from './inspection-form';
import type { Rubric } from './rubric';
import type { InspectionResult, SampleDrawn, SampleSummary, SampleView } from './qa-types';
import { RECORD_PARTS } from './qa-types';
import './qa.css';

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
  useEffect(() => {
    let current = true;
    setDrawnSamples(null);
    api<{ items: SampleSummary[] }>('evaluation', '/v1/qa/samples', { query: { team, period: period.trim() } })
      .then((body) => {
        if (!current) return;
        setDrawnSamples(body.items);
        if (!sampleId && body.items[0]) navigate('qa', body.items[0].sampleId);
      })
      .catch(() => current && setDrawnSamples([]));
    return () => {
      current = false;
    };
  }, [sampleId, team, period]);

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
    setOutcome(
      `Inspection of ${result.ticketId.slice(0, 8)} recorded: total ${result.total}` +
        (result.correctiveActionRequired ? ' — a corrective action is required and now followed up below.' : '.'),
    );
    // The sample's inspections and the actions list follow the events by a moment.
    for (let attempt = 0; attempt < 20; attempt++) {
      const view = await loadSample(result.sampleId);
      if (view?.records.find((record) => record.ticketId === result.ticketId)?.inspection) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    setActionsVersion((version) => version + 1);
  };

  const teams = [{ id: 'cs', name: 'Customer service' }, ...departments];
  return (
    <div className="qa">
      <h1 className="mqa-title">Quality inspection</h1>
      <p className="notice qa-readonly" data-testid="qa-read-only">
        Inspectors read and score service records; they do not act on tickets. Ticket links open the read-only history.
      </p>
      <Panel title="Sample">
        <form className="qa-draw" aria-label="Choose or draw a sample" onSubmit={(event) => void draw(event)}>
          <Field label="Team" field="team" error={drawError}>
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
          <Field label="Period" field="period" error={drawError} hint={`ISO week (${periods.week}) or month (${periods.month}), as the team’s sampling policy says`}>
            {(control) => <input {...control} value={period} onChange={(event) => setPeriod(event.target.value)} spellCheck={false} />}
          </Field>
          <div className="row qa-period-shortcuts">
            <button type="button" className="secondary" onClick={() => setPeriod(periods.week)}>
              This week
            </button>
            <button type="button" className="secondary" onClick={() => setPeriod(periods.month)}>
              This month
            </button>
          </div>
          {inspector && (
            <Field label="Seed (optional)" field="seed" error={drawError} hint="blank: a random seed, recorded with the sample">
              {(control) => <input {...control} value={seed} inputMode="numeric" onChange={(event) => setSeed(event.target.value)} />}
            </Field>
          )}
          <div className="row qa-draw__actions">
            {inspector && (
              <button type="submit" disabled={drawing}>
                {drawing ? 'Drawing…' : drawnSamples && drawnSamples.length > 0 ? 'Draw another sample' : 'Draw sample'}
              </button>
            )}
          </div>
        </form>
        <Notice error={drawError instanceof ApiError && drawError.fields.length > 0 ? undefined : drawError} />
        <form
          className="row qa-open"
          aria-label="Open a sample by id"
          onSubmit={(event) => {
            event.preventDefault();
            if (pasted.trim()) navigate('qa', pasted.trim());
          }}
        >
          <Field label="Sample id" field="sampleId">
            {(control) => <input {...control} value={pasted} onChange={(event) => setPasted(event.target.value)} placeholder="a sample's id" spellCheck={false} />}
          </Field>
          <button type="submit" className="secondary">
            Open
          </button>
        </form>
        {drawnSamples && drawnSamples.length === 0 && (
          <p className="muted">
            No sample drawn for this team in {period} yet{inspector ? ': draw one.' : '.'}
          </p>
        )}
        {drawnSamples && drawnSamples.length > 1 && (
          <nav aria-label={`Samples drawn for ${period}`}>
            <p className="muted">Samples drawn for this team in {period}:</p>
            <ul className="qa-drawn">
              {drawnSamples.map((drawn) => (
                <li key={drawn.sampleId}>
                  <a href={href('qa', drawn.sampleId)} aria-current={drawn.sampleId === sampleId ? 'page' : undefined}>
                    seed {drawn.seed}, {drawn.size} of {drawn.populationSize}
                  </a>{' '}
                  <span className="muted">
                    drawn by {drawn.drawnBy}, {formatInstant(drawn.drawnAt)}
                  </span>
                </li>
              ))}
            </ul>
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
  return (
    <Panel title={`Sample of ${sample.team} for ${sample.period}`}>
      <dl className="mqa-facts" data-testid="sample-facts">
        <div>
          <dt>Seed</dt>
          <dd data-testid="sample-seed">{sample.seed}</dd>
        </div>
        <div>
          <dt>Policy</dt>
          <dd>
            {formatPercent(sample.policy.rate, 0)} a {sample.policy.cadence} ({sample.policy.rule} rule, {sample.policy.version})
          </dd>
        </div>
        <div>
          <dt>Records</dt>
          <dd>
            {sample.size} of {sample.populationSize} (target {sample.targetSize})
          </dd>
        </div>
        <div>
          <dt>Drawn</dt>
          <dd>
            {formatInstant(sample.drawnAt)} by {sample.drawnBy}
          </dd>
        </div>
        <div>
          <dt>Agents covered</dt>
          <dd>
            {(sample.sampledAgents ?? sample.agents).join(', ') || '—'} (of {sample.agents.length}
            {sample.previouslySampledAgents?.length ? `; sampled last period, so taken last: ${sample.previouslySampledAgents.join(', ')}` : ''})
          </dd>
        </div>
        <div>
          <dt>Channels covered</dt>
          <dd>
            {(sample.sampledChannels ?? sample.channels).map(channelName).join(', ') || '—'} (of {sample.channels.length})
          </dd>
        </div>
        <div>
          <dt>Redrawn now</dt>
          <dd>
            {sample.redraw.sameSample ? (
              <span className="badge badge--ok">same sample</span>
            ) : sample.redraw.samePopulation ? (
              <span className="badge badge--danger">different sample</span>
            ) : (
              <span className="badge badge--warn">population changed ({sample.redraw.populationSize} records now)</span>
            )}
          </dd>
        </div>
      </dl>
      <p className="muted qa-sample-id">
        Sample id <code>{sample.sampleId}</code>
      </p>
      <div className="table-scroll">
        <table className="qa-records" data-testid="sample-records">
          <caption className="mqa-visually-hidden">Sampled service records with their completeness</caption>
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Channel</th>
              <th scope="col">Agents</th>
              {RECORD_PARTS.map(({ part, label }) => (
                <th key={part} scope="col" className="qa-part">
                  {label}
                </th>
              ))}
              <th scope="col">Record</th>
              <th scope="col">Inspection</th>
            </tr>
          </thead>
          <tbody>
            {sample.records.map((record) => (
              <tr key={record.ticketId} data-ticket={record.ticketId} aria-selected={props.selected === record.ticketId}>
                <td>
                  <a href={href('auditor', record.ticketId)} title={record.ticketId}>
                    <code>{record.ticketId.slice(0, 8)}</code>
                  </a>
                </td>
                <td>{channelName(record.channel)}</td>
                <td>{record.agents.join(', ') || '—'}</td>
                {RECORD_PARTS.map(({ part, label }) => (
                  <td key={part} className={`qa-part ${record.parts[part] ? 'qa-part--present' : 'qa-part--missing'}`}>
                    <span aria-hidden="true">{record.parts[part] ? '✓' : '✗'}</span>
                    <span className="mqa-visually-hidden">
                      {label} {record.parts[part] ? 'present' : 'missing'}
                    </span>
                  </td>
                ))}
                <td>{record.needsImprovement ? <span className="badge badge--warn">needs improvement</span> : <span className="badge badge--ok">complete enough</span>}</td>
                <td>
                  {record.inspection ? (
                    <span className={`badge ${record.inspection.correctiveActionRequired ? 'badge--danger' : 'badge--ok'}`}>
                      {record.inspection.total}
                      {record.inspection.correctiveActionRequired ? ' · action required' : ''}
                    </span>
                  ) : props.inspector ? (
                    <button type="button" className="secondary" aria-label={`Score ticket ${record.ticketId}`} onClick={() => props.onSelect(record.ticketId)}>
                      Score
                    </button>
                  ) : (
                    <span className="muted">not yet</span>
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
