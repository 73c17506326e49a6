// Each person's notifications, in the top bar.
export default {
  button: 'Notifications',
  buttonUnread: 'Notifications ({{count}} new)',
  title: 'Notifications',
  none: 'Nothing new for you.',
  markRead: 'Mark all as read',
  more: 'Older notifications',
  open: 'Open ticket {{ticket}}',
  kinds: {
    mentioned: '{{actor}} mentioned you',
    mentionedDepartment: '{{actor}} mentioned your department',
    assigned: 'Ticket {{ticket}} was assigned to you',
    result_arrived: 'A result arrived for ticket {{ticket}}',
    update_requested: '{{actor}} of management asks for an update on ticket {{ticket}}',
    customer_answered: 'The customer answered on ticket {{ticket}} (recorded by {{actor}})',
    update_given: 'The department answered your request for an update on ticket {{ticket}}',
    first_response_due: 'The first response on ticket {{ticket}} is due at {{due}}',
    resolution_due: 'Ticket {{ticket}} must be resolved by {{due}}',
    watched_change: '{{actor}} changed ticket {{ticket}}, which you watch',
  },
};
