import { useTranslation } from 'react-i18next';
import { href } from '../../router';
import { useActor } from '../../session';
import { CustomerProfileView } from './customer-profile';
import { SearchView } from './search-view';
import { TicketFromSearch } from './ticket-from-search';

/** Roles that read no contact details: they search by ticket and words, and see no customer. */
const NO_CONTACT = ['qa', 'auditor'];
/** Roles that read a ticket's whole history in the audit screen. */
const HISTORY_READERS = ['management', 'qa', 'auditor'];

/**
 * Search for everyone but CS (who has it in the CS screen): `#/search`, and a customer's profile
 * at `#/search/customer/<ticketId>`, a ticket's conversation at `#/search/ticket/<ticketId>`. The search stays mounted under the profile, so going back
 * finds the results as they were.
 */
export function SearchScreen({ route }: { route: readonly string[] }) {
  const actor = useActor();
  const { t } = useTranslation('search');
  const profileOf = route[0] === 'customer' ? route[1] : undefined;
  const ticketOf = route[0] === 'ticket' ? route[1] : undefined;
  // The history screen for those who read histories; the ticket's conversation for a department's staff.
  const ticketLink = HISTORY_READERS.includes(actor.role) ? (ticketId: string) => href('auditor', ticketId) : (ticketId: string) => href('search', 'ticket', ticketId);
  const showCustomer = !NO_CONTACT.includes(actor.role);
  return (
    <div className="search-screen">
      <h1 className="mqa-title">{t('screenTitle')}</h1>
      <div hidden={Boolean(profileOf) || Boolean(ticketOf)}>
        <SearchView base={['search']} showCustomer={showCustomer} ticketLink={ticketLink} />
      </div>
      {profileOf && showCustomer && <CustomerProfileView key={profileOf} ticketId={profileOf} base={['search']} ticketLink={ticketLink} />}
      {ticketOf && <TicketFromSearch key={ticketOf} ticketId={ticketOf} base={['search']} />}
    </div>
  );
}
