import { Inject, Injectable } from '@nestjs/common';
import {
  hasForbiddenCharacters,
  ValidationFailed,
  newId,
  privacyStreamId,
  type Actor,
  type Customer,
  type CustomerView,
  type Decider,
  type PrivacyEvent,
} from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import type { CustomerVault, OpenedCustomer } from '@handoff/vault';
import { CLOCK, type Clock } from './clock';
import { CUSTOMER_VAULT } from './service.module';

export type { CustomerView } from '@handoff/contracts';

export const MIN_REASON_LENGTH = 10;

type RecordRead = {
  readonly type: 'RecordCustomerDetailsRead';
  readonly data: { readonly keyId: string; readonly purpose: 'handling' | 'other_work'; readonly reason?: string };
  readonly metadata: Parameters<CommandHandler['handle']>[2]['metadata'];
};

/** The privacy stream only accumulates a record of reads; nothing is decided against it. */
const readsDecider: Decider<RecordRead, PrivacyEvent, null> = {
  initialState: null,
  decide: (command) => [{ type: 'CustomerDetailsRead', data: command.data }],
  evolve: (state) => state,
};

/**
 * Shows a customer's contact details: in clear to someone whose work on the ticket needs them,
 * or to someone who states why they need them for other work; masked otherwise. Every clear
 * read is an event on the ticket's record: who, when, why.
 */
@Injectable()
export class CustomerAccess {
  constructor(
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
    private readonly commands: CommandHandler,
    @Inject('SERVICE_NAME') private readonly service: string,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async masked(customer: Customer): Promise<CustomerView> {
    return this.view(customer, false);
  }

  /** `masked` for a page of results, with one key read for the whole page. */
  async maskedMany(customers: readonly Customer[]): Promise<CustomerView[]> {
    const opened = await this.vault.openMany(customers, false);
    return opened.map((one, index) => viewOf(customers[index], one));
  }

  async read(options: {
    readonly ticketId: string;
    readonly customer: Customer;
    readonly actor: Actor;
    readonly requestId: string;
    /** The actor's own work on this ticket needs the details (e.g. CS calling back, the handling department). */
    readonly needToKnow: boolean;
    readonly reason?: string;
  }): Promise<CustomerView> {
    const reason = options.reason?.trim();
    // The reason is written into the CustomerDetailsRead event, so it obeys the rules of any recorded text.
    if (reason && hasForbiddenCharacters(reason)) throw new ValidationFailed([{ field: 'reason', message: 'must not contain control characters' }]);
    if (!options.needToKnow && !reason) return this.view(options.customer, false);
    if (!options.needToKnow && reason!.length < MIN_REASON_LENGTH) {
      throw new ValidationFailed([{ field: 'reason', message: `reading contact details for other work needs a reason of ${MIN_REASON_LENGTH} characters or more` }]);
    }
    const view = await this.view(options.customer, true);
    if (view.status === 'clear') {
      const purpose = options.needToKnow ? 'handling' : 'other_work';
      await this.commands.handle(
        privacyStreamId(this.service, options.ticketId),
        readsDecider,
        {
          type: 'RecordCustomerDetailsRead',
          data: { keyId: options.customer.keyId, purpose, ...(reason ? { reason } : {}) },
          metadata: {
            now: this.clock(),
            actor: options.actor,
            correlationId: options.requestId,
            // Each read is its own fact, even when a client repeats a request id.
            causationId: newId(),
            ...(reason ? { reason } : {}),
          },
        },
        { ticketId: options.ticketId },
      );
    }
    return view;
  }

  private async view(customer: Customer, reveal: boolean): Promise<CustomerView> {
    return viewOf(customer, await this.vault.open(customer, reveal));
  }
}

function viewOf(customer: Customer, opened: OpenedCustomer): CustomerView {
  if (opened.status === 'erased') return { status: 'erased', ...(customer.customerId ? { customerId: customer.customerId } : {}) };
  return { status: opened.status, ...(customer.customerId ? { customerId: customer.customerId } : {}), ...opened.details };
}
