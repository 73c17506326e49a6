import { useTranslation } from 'react-i18next';
import { Conversation } from '../../conversation/conversation';
import { href } from '../../router';
import { SubRequests } from '../../sub-requests/sub-requests';
import { Panel } from '../../ui';

/**
 * A ticket opened from search or a profile by someone who works on tickets but has no history
 * screen (CS when a customer calls back, a department's staff): its conversation, read again
 * while it is open, so the department's latest progress and a result's apology reach CS here; and
 * its sub-requests, where CS asks another department for a part of the answer.
 */
export function TicketFromSearch(props: { ticketId: string; base: readonly string[] }) {
  const { t } = useTranslation('search');
  return (
    <Panel
      title={t('ticket.title', { shortId: props.ticketId.slice(0, 8) })}
      actions={
        <span className="search-ticket__links">
          <a href={href(...props.base, 'customer', props.ticketId)}>{t('hint.profile')}</a> <a href={href(...props.base)}>{t('profile.back')}</a>
        </span>
      }
    >
      <SubRequests ticketId={props.ticketId} />
      <Conversation ticketId={props.ticketId} />
    </Panel>
  );
}
