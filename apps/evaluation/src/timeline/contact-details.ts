/**
 * Evaluation needs what happened to a ticket, never how to reach the customer. Intake's
 * `ContactRecorded` and `TicketHandedOver` carry the customer's name, phone and e-mail in one
 * `customer` block (see contracts' `Customer`); the timeline keeps the event's data without it,
 * except the opaque `customerId`, which figures per customer may need.
 *
 * Applied to every event type, not only those two, so a producer that adds a `customer` block to
 * another event does not leak it into evaluation's tables.
 */
export function withoutContactDetails(data: unknown): unknown {
  if (!isRecord(data) || !('customer' in data)) return data;
  const { customer, ...rest } = data;
  const customerId = isRecord(customer) && typeof customer.customerId === 'string' ? customer.customerId : undefined;
  return customerId === undefined ? rest : { ...rest, customer: { customerId } };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
