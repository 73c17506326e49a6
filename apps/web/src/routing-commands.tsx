import { ActionForm, TextField, useActionForm } from './action-form';
import { api } from './api';
import { Notice } from './ui';
import { useSubmit } from './use-submit';

/** What a command's form or button says, in the caller's words (each screen has its own translations). */
interface CommandWords {
  /** The form's heading and name; for a button, a heading shown above it, if any. */
  title?: string;
  /** The button's label. */
  submit: string;
  /** Said once routing has taken the command. */
  done: string;
}

/**
 * One of routing's commands on a ticket or a part of it that takes a line of text (a progress
 * note, an answer, a reason): posts `{ [field]: text }` to `path`, empties the field for the next
 * one and says `done`. The department's panel and the sub-requests share it.
 */
export function TextCommandForm(props: {
  path: string;
  field: string;
  words: CommandWords & { title: string; label: string; hint?: string };
  rows?: number;
  secondary?: boolean;
  onDone: (message: string) => void;
}) {
  const form = useActionForm<string>({ [props.field]: '' });
  const { words } = props;
  return (
    <ActionForm
      form={form}
      title={words.title}
      submit={words.submit}
      secondary={props.secondary}
      run={async () => {
        await api('routing', props.path, { body: form.values });
        form.clear(props.field);
        props.onDone(words.done);
        return null;
      }}
    >
      <TextField label={words.label} {...form.field(props.field)} hint={words.hint} rows={props.rows} />
    </ActionForm>
  );
}

/** One of routing's commands that takes nothing but the click (claim, resume): posts an empty body to `path`. */
export function CommandButton(props: { path: string; words: CommandWords & { hint?: string }; onDone: (message: string) => void }) {
  const { busy, error, submit } = useSubmit();
  const { words } = props;
  return (
    <div className="dept-form">
      {words.title && <h3>{words.title}</h3>}
      {words.hint && <p className="muted">{words.hint}</p>}
      <button
        type="button"
        disabled={busy}
        onClick={() =>
          void submit(async () => {
            await api('routing', props.path, { body: {} });
            props.onDone(words.done);
            return null;
          })
        }
      >
        {words.submit}
      </button>
      <Notice error={error || undefined} />
    </div>
  );
}
