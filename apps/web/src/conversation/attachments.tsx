import { useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentAddedView, AttachmentView, ConversationEntry } from '@handoff/contracts/api';
import { ApiError, apiUrl, describeError, uploadFile } from '../api';
import { useLocaleFormat } from '../i18n';
import type { Actor } from '../session';
import { useSubmit } from '../use-submit';

const DEPARTMENT_ROLES = ['department_handler', 'department_manager'];
const WRITERS = ['cs', ...DEPARTMENT_ROLES, 'management'];

/** What the file picker offers; the service decides from the bytes whatever is picked. */
const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.mp3,.wav,.m4a,.ogg,audio/*';

/**
 * Whether this person may attach a file here, as the service rules it: CS to the contact, a
 * department to its own progress updates and results (management to any), anyone who writes notes
 * to a note or to the ticket as a whole (`entry` undefined).
 */
export function mayAttach(actor: Actor, entry?: ConversationEntry): boolean {
  if (!WRITERS.includes(actor.role)) return false;
  if (!entry) return true;
  switch (entry.type) {
    case 'ContactRecorded':
      return actor.role === 'cs';
    case 'ProgressReported':
    case 'ResultReported':
      return actor.role === 'management' || (DEPARTMENT_ROLES.includes(actor.role) && actor.department === entry.actor.department);
    case 'NoteAdded':
      return true;
    default:
      return false;
  }
}

/** The files of an entry: images as thumbnails, everything else as a link with its type and size. */
export function AttachmentList({ files }: { files: readonly AttachmentView[] }) {
  const { t } = useTranslation('conversation');
  const format = useLocaleFormat();
  return (
    <ul className="attachments" aria-label={t('attachments.title')}>
      {files.map((file) => {
        const href = apiUrl('evaluation', file.href);
        const name = file.fileName ?? t('attachments.erasedName');
        const kind = t(`attachments.kinds.${file.contentType.split('/')[0]}`, { defaultValue: file.contentType });
        return (
          <li key={file.contentHash} className="attachments__item" data-content-type={file.contentType}>
            <a href={href} target="_blank" rel="noopener noreferrer" className="attachments__link">
              {file.contentType.startsWith('image/') && file.fileName !== null && <img src={href} alt={name} className="attachments__thumbnail" />}
              <span className="attachments__name">{name}</span>
            </a>
            <span className="attachments__meta">
              {kind} · {t('attachments.size', { size: format.number(Math.max(1, Math.round(file.size / 1024))) })}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** A file picker that sends the chosen file at once, to the ticket or to one of its entries. */
export function AttachButton({ ticketId, entryId, onAdded }: { ticketId: string; entryId?: string; onAdded: () => void }) {
  const { t } = useTranslation('conversation');
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const { busy, error, success, submit } = useSubmit();
  return (
    <div className="attach">
      <label htmlFor={id} className={`attach__label${busy ? ' attach__label--busy' : ''}`}>
        {busy ? t('attachments.sending') : entryId ? t('attachments.attachHere') : t('attachments.attachToTicket')}
      </label>
      <input
        id={id}
        ref={input}
        type="file"
        className="attach__input"
        accept={ACCEPT}
        disabled={busy}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (!file) return;
          void submit(async () => {
            try {
              await uploadFile<AttachmentAddedView>('evaluation', `/v1/tickets/${ticketId}/attachments`, file, { fileName: file.name, entryId });
            } finally {
              if (input.current) input.current.value = '';
            }
            onAdded();
            return t('attachments.added', { name: file.name });
          });
        }}
      />
      {error ? (
        <p className="notice notice--error" role="alert">
          {error instanceof ApiError && error.fields.length > 0 ? error.fields.map((field) => field.message).join(' ') : describeError(error)}
        </p>
      ) : null}
      {success && (
        <p className="notice notice--success" role="status">
          {success}
        </p>
      )}
    </div>
  );
}
