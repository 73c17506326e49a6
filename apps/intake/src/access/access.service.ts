import { Inject, Injectable } from '@nestjs/common';
import { accessStreamId, DomainError, newId, type CommandMetadata } from '@handoff/contracts';
import { CommandHandler, type EventStore } from '@handoff/event-store';
import { CONFIG, EVENT_STORE } from '@handoff/platform';
import type { IntakeConfig } from '../config';
import { ContactsService } from '../contacts/contacts.service';
import { accessDecider, clearanceOf, mayDecide, type AccessRequest, type Clearance } from './access.decider';

export interface AccessRequestView extends AccessRequest {
  readonly ticketId: string;
}

/** Turns access requests and decisions into commands on the ticket's access stream; the rules are the decider's. */
@Injectable()
export class AccessService {
  constructor(
    private readonly commands: CommandHandler,
    private readonly contacts: ContactsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CONFIG) private readonly config: IntakeConfig,
  ) {}

  async request(ticketId: string, purpose: string, metadata: CommandMetadata): Promise<AccessRequestView> {
    const contact = await this.contacts.state(ticketId);
    if (contact.status === 'unknown' || contact.status === 'recorded') throw new DomainError('NOT_FOUND', `no ticket ${ticketId}`);
    const result = await this.commands.handle(
      accessStreamId(ticketId),
      accessDecider,
      { type: 'RequestAccess', data: { requestId: newId(), keyId: contact.contact.customer.keyId, purpose }, metadata },
      { ticketId },
    );
    // A repeated request id answers with the request it made the first time.
    const requested = result.events.find((event) => event.type === 'CustomerAccessRequested');
    const requestId = (requested?.data as { requestId?: string } | undefined)?.requestId;
    const request = result.state.requests.find((found) => found.requestId === requestId);
    if (!request) throw new Error(`access request of ${metadata.actor.id} on ${ticketId} is not in the state it was decided on`);
    return { ticketId, ...request };
  }

  async approve(ticketId: string, requestId: string, metadata: CommandMetadata): Promise<AccessRequestView> {
    const { state } = await this.commands.handle(
      accessStreamId(ticketId),
      accessDecider,
      { type: 'ApproveAccess', data: { requestId, minutes: this.config.ACCESS_APPROVAL_MINUTES }, metadata },
      { ticketId },
    );
    return { ticketId, ...state.requests.find((found) => found.requestId === requestId)! };
  }

  async refuse(ticketId: string, requestId: string, reason: string, metadata: CommandMetadata): Promise<AccessRequestView> {
    const { state } = await this.commands.handle(accessStreamId(ticketId), accessDecider, { type: 'RefuseAccess', data: { requestId, reason }, metadata }, { ticketId });
    return { ticketId, ...state.requests.find((found) => found.requestId === requestId)! };
  }

  async clearance(ticketId: string, actorId: string, now: Date): Promise<Clearance> {
    const { state } = await this.commands.load(accessStreamId(ticketId), accessDecider);
    return clearanceOf(state, actorId, now);
  }

  /** The requests of one ticket that `actor` asked or may decide. */
  async ofTicket(ticketId: string, actor: CommandMetadata['actor']): Promise<AccessRequestView[]> {
    const { state } = await this.commands.load(accessStreamId(ticketId), accessDecider);
    return state.requests.filter((request) => request.requester.id === actor.id || mayDecide(actor, request.requester)).map((request) => ({ ticketId, ...request }));
  }

  /**
   * The requests waiting for `approver`. Read from the streams themselves: requests
   * are few (one per person and ticket at a time) and a stale list here would let a manager
   * approve what someone else has refused a moment ago.
   */
  async pendingFor(approver: CommandMetadata['actor']): Promise<AccessRequestView[]> {
    const prefix = accessStreamId('');
    const pending: AccessRequestView[] = [];
    for await (const streamId of this.store.listStreams(prefix)) {
      const ticketId = streamId.slice(prefix.length);
      const { state } = await this.commands.load(streamId, accessDecider);
      for (const request of state.requests) if (request.status === 'pending' && mayDecide(approver, request.requester)) pending.push({ ticketId, ...request });
    }
    return pending;
  }
}
