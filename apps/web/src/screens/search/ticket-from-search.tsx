import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Conversation } from '../../conversation/conversation';
import { href } from '../../router';
import { SubRequests } from '../../sub-requests/sub-requests';
import { Panel } from '../../ui';
import { CustomerAnswer } from './customer-answer';

/**
 * A ticket opened from search or a profile by someone who works on tickets but has no history
 * screen (CS when a customer calls back, a department's staff): its conversation, read again
 * while it is open, so the department's latest progress and a result's apology reach CS here; and
 * its sub-requests, where CS asks another department for a part of the answer; and the customer's
 * answer to what the department asked, recorded by CS who took the call.
 */
export function TicketFromSearch(props: { ticketId: string; base: readonly string[] }) {
  const { t } = useTranslation('search');
  // Bumped when the customer's answer is recorded, so the conversation shows it at once.
  const [recorded, setRecorded] = useState(0);
  return (
    <Panel
      title={t('ticket.title', { shortId: props.ticketId.slice(0, 8) })}
      actions={
        <span className="search-ticket__links">
          <a href={href(...props.base, 'customer', props.ticketId)}>{t('hint.profile')}</a> <a href={href(...props.base)}>{t('profile.back')}</a>
        </span>
      }
    >
      <CustomerAnswer ticketId={props.ticketId} onRecorded={() => setRecorded((count) => count + 1)} />
      <SubRequests ticketId={props.ticketId} changed={recorded} />
      <Conversation key={recorded} ticketId={props.ticketId} />
    </Panel>
  );
}
