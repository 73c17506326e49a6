import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { Conversation } from '../../conversation/conversation';
import { Field, Notice, Panel } from '../../ui';
import { fromLocalInput } from '../management/zoned-time';
import type { InspectionResult } from './qa-types';
import { estimateTotal, type Rubric } from './rubric';

/**
 * The service names a missing corrective action as `correctiveAction` (the decider's check) and a
 * bad description as `correctiveAction.description` (the schema's); both belong beside the one box.
 */
function besideTheBox(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const fields = error.fields.map((field) => (field.field === 'correctiveAction' ? { ...field, field: 'correctiveAction.description' } : field));
  return new ApiError(error.status, error.code, error.message, fields, error.details);
}

export function InspectionForm(props: { rubric: Rubric; sampleId: string; ticketId: string; onCancel: () => void; onDone: (result: InspectionResult) => void }) {
  const [scores, setScores] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [action, setAction] = useState('');
  const [dueAt, setDueAt] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const heading = useRef<HTMLDivElement>(null);
  const { t } = useTranslation('qa');

  // Keyboard users land on the form they just opened.
  useEffect(() => {
    heading.current?.querySelector('input')?.focus();
  }, []);

  const points = Object.fromEntries(Object.entries(scores).flatMap(([key, value]) => (value.trim() === '' ? [] : [[key, Number(value)]])));
  const estimate = estimateTotal(props.rubric, points);
  const belowPassMark = estimate !== null && estimate < props.rubric.passMark;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaving(true);
    try {
      const due = fromLocalInput(dueAt);
      const body = {
        sampleId: props.sampleId,
        scores: points,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(action.trim() ? { correctiveAction: { description: action.trim(), ...(due ? { dueAt: due } : {}) } } : {}),
      };
      props.onDone(await api<InspectionResult>('evaluation', `/v1/qa/inspections/${props.ticketId}`, { body }));
    } catch (caught) {
      setError(besideTheBox(caught));
    } finally {
      setSaving(false);
    }
  };

  const shown = new Set([...props.rubric.criteria.map((criterion) => `scores.${criterion.key}`), 'note', 'correctiveAction.description', 'correctiveAction.dueAt']);
  const unshown = error instanceof ApiError ? error.fields.filter((field) => !shown.has(field.field)) : [];
  return (
    <Panel title={t('inspection.title', { ticket: props.ticketId.slice(0, 8) })}>
      <form className="qa-inspection" aria-label={t('inspection.form', { ticket: props.ticketId })} onSubmit={(event) => void submit(event)} noValidate>
        <div ref={heading}>
          <fieldset className="qa-criteria">
            <legend>
              {t('inspection.rubric', { version: props.rubric.version, passMark: props.rubric.passMark })}
            </legend>
            {props.rubric.criteria.map((criterion) => (
              <Field key={criterion.key} label={`${criterion.label} (0–${criterion.maxPoints})`} field={`scores.${criterion.key}`} error={error} hint={t('inspection.weight', { weight: criterion.weight })}>
                {(control) => (
                  <input
                    {...control}
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={criterion.maxPoints}
                    step={1}
                    value={scores[criterion.key] ?? ''}
                    onChange={(event) => setScores((current) => ({ ...current, [criterion.key]: event.target.value }))}
                  />
                )}
              </Field>
            ))}
          </fieldset>
        </div>
        <p className={`qa-estimate${belowPassMark ? ' qa-estimate--below' : ''}`} role="status" data-testid="qa-estimate">
          {estimate === null
            ? t('inspection.scoreAll')
            : t('inspection.total', { total: estimate, verdict: t(belowPassMark ? 'inspection.below' : 'inspection.passes', { passMark: props.rubric.passMark }) })}
        </p>
        <Field label={t('inspection.note')} field="note" error={error}>
          {(control) => <textarea {...control} value={note} onChange={(event) => setNote(event.target.value)} />}
        </Field>
        <fieldset className="qa-action">
          <legend>{belowPassMark ? t('inspection.actionRequired') : t('inspection.actionOptional')}</legend>
          <Field label={t('inspection.whatMustChange')} field="correctiveAction.description" error={error}>
            {(control) => <textarea {...control} value={action} required={belowPassMark} onChange={(event) => setAction(event.target.value)} />}
          </Field>
          <Field label={t('inspection.dueBy')} field="correctiveAction.dueAt" error={error}>
            {(control) => <input {...control} type="datetime-local" value={dueAt} onChange={(event) => setDueAt(event.target.value)} />}
          </Field>
        </fieldset>
        {error instanceof ApiError && error.fields.length > 0 && unshown.length === 0 ? (
          <p className="notice notice--error" role="alert">
            {t('inspection.notRecorded')}
          </p>
        ) : (
          <Notice error={error} />
        )}
        <div className="row">
          <button type="submit" disabled={saving}>
            {saving ? t('inspection.recording') : t('inspection.record')}
          </button>
          <button type="button" className="secondary" onClick={props.onCancel}>
            {t('inspection.cancel')}
          </button>
        </div>
      </form>
      <Conversation ticketId={props.ticketId} writable={false} />
    </Panel>
  );
}
