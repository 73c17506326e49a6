import { useState, type FormEvent, type ReactNode } from 'react';
import { FormNotice } from './screens/cs/form-notice';
import { Field } from './ui';
import { useSubmit } from './use-submit';

/**
 * One ActionForm's fields and request: the fields' values, what each field is given (its value,
 * its setter and the refusal, so a refusal naming it is said beside it) and the request's
 * pending flag and outcome. The fields named at the start are the fields the form shows.
 */
export function useActionForm<Name extends string>(initial: Readonly<Record<Name, string>>) {
  const [values, setValues] = useState(initial);
  const submission = useSubmit();
  return {
    values,
    submission,
    shown: Object.keys(initial) as Name[],
    field: (name: Name) => ({
      field: name,
      error: submission.error,
      value: values[name],
      onChange: (value: string) => setValues((current) => ({ ...current, [name]: value })),
    }),
    /** After a request went through: the named fields are empty for the next one, the others keep their choice. */
    clear: (...names: Name[]) => setValues((current) => ({ ...current, ...Object.fromEntries(names.map((name) => [name, ''])) })),
  };
}

/**
 * A small form of its own, as the department and management act on a ticket: its request, its
 * errors next to its fields, its outcome (what `run` answers, or nothing when the caller says it
 * elsewhere).
 */
export function ActionForm(props: {
  /** From useActionForm: the request, and the fields shown. */
  form: { readonly submission: ReturnType<typeof useSubmit>; readonly shown: readonly string[] };
  title: string;
  submit: string;
  secondary?: boolean;
  run: () => Promise<string | null>;
  children: ReactNode;
}) {
  const { busy, error, success, submit } = props.form.submission;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(props.run);
  };
  return (
    <form className="dept-form" onSubmit={onSubmit} noValidate aria-label={props.title}>
      <h3>{props.title}</h3>
      {props.children}
      <FormNotice error={error} success={success} shown={props.form.shown} />
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
