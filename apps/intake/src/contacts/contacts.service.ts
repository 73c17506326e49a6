import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  intakeStreamId,
  parseContactPayload,
  ticketIdForContact,
  type Actor,
  type CommandMetadata,
  type RecordedContact,
} from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CONFIG, CUSTOMER_VAULT, CustomerAccess, PolicyBook } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import { classify, type ClassificationRules } from './classification';
import { contactsDecider, type IntakeCommand, type IntakeState } from './contacts.decider';
import type { IntakeConfig } from '../config';

/** Turns requests and inbound messages into intake commands; the decisions are the decider's. */
@Injectable()
export class ContactsService {
  constructor(
    private readonly commands: CommandHandler,
    @Inject(CONFIG) private readonly config: IntakeConfig,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
    private readonly policies: PolicyBook,
    private readonly access: CustomerAccess,
  ) {}

  /** `allowedSources`: the source systems the caller's API key is bound to, if it is bound. */
  async record(input: unknown, metadata: CommandMetadata, allowedSources?: readonly string[]): Promise<RecordedContact> {
    const contact = parseContactPayload(input);
    const ticketId = ticketIdForContact(contact.sourceSystem, contact.externalId);
    const classification = classify(contact, this.policies.current<ClassificationRules>('classification').document);
    // Sealed before the decision: the clear details never reach an event, a topic or a log.
    const { customer, fingerprint } = await this.vault.sealWithFingerprint(contact.customer);
    // A phone or e-mail typed into the subject or description is sealed with the same key, so erasure reaches it too.
    const subject = await this.vault.sealTextSpans(contact.subject, customer.keyId, ticketId);
    const description = await this.vault.sealTextSpans(contact.description, customer.keyId, ticketId);
    const sealed = { ...contact, customer, subject, description };
    const result = await this.commands.handle(
      intakeStreamId(ticketId),
      contactsDecider,
      {
        type: 'RecordContact',
        data: { ticketId, contact: sealed, classification, customerFingerprint: fingerprint, ...(allowedSources ? { allowedSources } : {}) },
        metadata,
      },
      // Nearly every contact is a new one; the rare repeat costs one refused append.
      { ticketId, usuallyNewStream: true },
    );
    const created = result.events.length > 0 && !result.duplicate;
    const state = result.state;
    return {
      ticketId,
      created,
      ...(state.status !== 'unknown' && state.status !== 'recorded'
        ? { classification: { category: state.classification.category, priority: state.classification.priority, resolution: state.classification.resolution } }
        : {}),
    };
  }

  async execute(ticketId: string, command: IntakeCommand): Promise<IntakeState> {
    command = await this.access.sealWords(command, ticketId, async () => {
      const state = await this.state(ticketId);
      return state.status === 'unknown' ? undefined : state.contact.customer.keyId;
    });
    const result = await this.commands.handle(intakeStreamId(ticketId), contactsDecider, command, { ticketId });
    return result.state;
  }

  async state(ticketId: string): Promise<IntakeState> {
    const { state } = await this.commands.load(intakeStreamId(ticketId), contactsDecider);
    if (state.status === 'unknown') throw new DomainError('NOT_FOUND', `no ticket ${ticketId}`);
    return state;
  }
}

