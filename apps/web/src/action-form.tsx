import type { FormEvent, ReactNode } from 'react';
import { FormNotice } from './screens/cs/form-notice';
import { Field } from './ui';
import { useSubmit } from './use-submit';

/**
 * A small form of its own, as the department and management act on a ticket: its request, its
 * errors next to its fields, its outcome (what `run` answers, or nothing when the caller says it
 * elsewhere).
 */
export function ActionForm(props: {
  title: string;
  submit: string;
  /** The fields the form shows, so a refusal naming one is said beside it. */
  shown: readonly string[];
  secondary?: boolean;
  run: () => Promise<string | null>;
  children: (error: unknown) => ReactNode;
}) {
  const { busy, error, success, submit } = useSubmit();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(props.run);
  };
  return (
    <form className="dept-form" onSubmit={onSubmit} noValidate aria-label={props.title}>
      <h3>{props.title}</h3>
      {props.children(error)}
      <FormNotice error={error} success={success} shown={props.shown} />
      <button type="submit" className={props.secondary ? 'secondary' : undefined} disabled={busy}>
        {props.submit}
      </button>
    </form>
  );
}

interface FieldProps {
  label: string;
  field: string;
  error: unknown;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
}

/** Free text: one line, or a text area of `rows` lines. */
export function TextField({ rows, ...props }: FieldProps & { rows?: number }) {
  return (
    <Field label={props.label} field={props.field} error={props.error} hint={props.hint}>
      {(control) =>
        rows ? (
          <textarea {...control} rows={rows} value={props.value} onChange={(event) => props.onChange(event.target.value)} />
        ) : (
          <input {...control} value={props.value} onChange={(event) => props.onChange(event.target.value)} />
        )
      }
    </Field>
  );
}

/** One of `options`; with `placeholder`, an empty first option that asks for a choice. */
export function ChoiceField({ options, placeholder, ...props }: FieldProps & { options: readonly { value: string; label: string }[]; placeholder?: string }) {
  return (
    <Field label={props.label} field={props.field} error={props.error} hint={props.hint}>
      {(control) => (
        <select {...control} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
