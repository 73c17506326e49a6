import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { Notice } from '../../ui';

/**
 * The outcome of a form's request. A refusal that names fields shown by the form's own `Field`s
 * is summed up in one line (each message stands next to its field); any field the form does not
 * show is spelled out here, so no refusal goes unexplained.
 */
export function FormNotice({ error, success, shown }: { error: unknown; success?: string | null; shown: readonly string[] }) {
  const { t } = useTranslation('cs');
  if (error instanceof ApiError && error.fields.length > 0) {
    const elsewhere = error.fields.filter((field) => !shown.includes(field.field));
    return (
      <p className="notice notice--error" role="alert">
        {t('notice.nothingRecorded', {
          why: t(elsewhere.length < error.fields.length ? 'notice.correctMarked' : 'notice.refused'),
          others: elsewhere.length > 0 ? ` (${elsewhere.map((field) => field.message).join(' ')})` : '',
        })}
      </p>
    );
  }
  return <Notice error={error || undefined} success={success ?? null} />;
}
