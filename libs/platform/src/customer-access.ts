import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  hasForbiddenCharacters,
  type CustomerDetailsReadData,
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
import { hasClearContactSpans, type CustomerVault, type OpenedCustomer } from '@handoff/vault';
import { CLOCK, type Clock } from './clock';
import { CUSTOMER_VAULT } from './service.module';

export type { CustomerView } from '@handoff/contracts';

/** Said by the services that do not keep approvals: intake, which owns the contact, serves approved reads. */
export const NEEDS_APPROVAL =
  "reading a customer's contact details for other work needs an approved access request: ask at intake (POST /v1/tickets/{ticketId}/access-requests) and read them there once your department manager or management approves";

type RecordRead = {
  readonly type: 'RecordCustomerDetailsRead';
  readonly data: CustomerDetailsReadData;
  readonly metadata: Parameters<CommandHandler['handle']>[2]['metadata'];
};

/** The privacy stream only accumulates a record of reads; nothing is decided against it. */
const readsDecider: Decider<RecordRead, PrivacyEvent, null> = {
  initialState: null,
  decide: (command) => [{ type: 'CustomerDetailsRead', data: command.data }],
  evolve: (state) => state,
};

/** The fields of a command's data that are words someone wrote, where a contact detail may be typed. */
const WORD_FIELDS = ['description', 'answer', 'note', 'text', 'reason', 'summary', 'apology', 'correctiveAction', 'objection', 'message', 'comment'] as const;

/**
 * Shows a customer's contact details: in clear to someone whose work on the ticket needs them,
 * or to someone whose request to read them for other work was approved and has not run out;
 * masked otherwise. Every clear read is an event on the ticket's record: who, when, why.
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

  /**
   * Words written on a ticket (any view holding them) with the contact details typed into them
   * opened: in clear for a reader whose work needs them, masked otherwise, erased once the
   * customer's key is gone (the vault's sealed spans).
   */
  async words<T>(value: T, ticketId: string, needToKnow: boolean): Promise<T> {
    return this.vault.openTexts(value, ticketId, needToKnow);
  }

  /**
   * The command with the contact details typed into its words (the data's free-text fields and
   * the metadata's reason) sealed under the ticket's customer key, before it reaches the decider.
   * `keyIdOf` is asked only when there is a detail to seal; a ticket whose customer this service
   * does not know yet (undefined) is a 409 to retry, never a detail written in clear; one whose
   * customer was erased (null) has the details dropped.
   */
  async sealWords<C extends { readonly data: object; readonly metadata: { readonly reason?: string } }>(
    command: C,
    ticketId: string,
    keyIdOf: () => Promise<string | null | undefined>,
  ): Promise<C> {
    const data = command.data as Record<string, unknown>;
    const fields = WORD_FIELDS.filter((field) => typeof data[field] === 'string' && hasClearContactSpans(data[field] as string));
    const reason = command.metadata.reason !== undefined && hasClearContactSpans(command.metadata.reason);
    if (fields.length === 0 && !reason) return command;
    const keyId = await keyIdOf();
    if (keyId === undefined) throw new DomainError('CONFLICT', `the contact of ticket ${ticketId} has not reached ${this.service} yet; retry in a moment`);
    const sealed = { ...data };
    for (const field of fields) sealed[field] = await this.vault.sealTextSpans(data[field] as string, keyId, ticketId);
    const metadata = reason ? { ...command.metadata, reason: await this.vault.sealTextSpans(command.metadata.reason!, keyId, ticketId) } : command.metadata;
    return { ...command, data: sealed, metadata };
  }

  async read(options: {
    readonly ticketId: string;
    readonly customer: Customer;
    readonly actor: Actor;
    readonly requestId: string;
    /** The actor's own work on this ticket needs the details (e.g. CS calling back, the handling department). */
    readonly needToKnow: boolean;
    /** A live approval of the actor's access request (intake keeps them), for other work. */
    readonly approval?: { readonly requestId: string; readonly purpose: string };
    /** Why the details stay closed to this actor, said when they ask for them in clear without an approval. */
    readonly closedBecause?: string;
    /** Asking for the details in clear: since approvals, a reason alone no longer opens them. */
    readonly reason?: string;
  }): Promise<CustomerView> {
    const reason = options.reason?.trim();
    // The reason is checked as any recorded text would be, so a bad one is a 400 before the 403.
    if (reason && hasForbiddenCharacters(reason)) throw new ValidationFailed([{ field: 'reason', message: 'must not contain control characters' }]);
    if (!options.needToKnow && !options.approval) {
      if (!reason) return this.view(options.customer, false);
      throw new DomainError('FORBIDDEN', options.closedBecause ?? NEEDS_APPROVAL);
    }
    const view = await this.view(options.customer, true);
    if (view.status === 'clear') {
      const data: CustomerDetailsReadData = options.needToKnow
        ? { keyId: options.customer.keyId, purpose: 'handling' }
        : { keyId: options.customer.keyId, purpose: 'other_work', reason: options.approval!.purpose, requestId: options.approval!.requestId };
      await this.commands.handle(
        privacyStreamId(this.service, options.ticketId),
        readsDecider,
        {
          type: 'RecordCustomerDetailsRead',
          data,
          metadata: {
            now: this.clock(),
            actor: options.actor,
            correlationId: options.requestId,
            // Each read is its own fact, even when a client repeats a request id.
            causationId: newId(),
            ...(data.reason ? { reason: data.reason } : {}),
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
