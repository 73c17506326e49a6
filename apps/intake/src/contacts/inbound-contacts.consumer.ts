import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DomainError, TOPICS, ValidationFailed, type Actor } from '@handoff/contracts';
import { backoffDelay, DeadLetterReason, isTransientError, toDeadLetterMessage, traceMessage } from '@handoff/messaging';
import { CONFIG, ConsumerGroups, JsonLogger, KAFKA, prefixed, ServiceMetrics, commandMetadata } from '@handoff/platform';
import type { IntakeConfig } from '../config';
import { ContactsService } from './contacts.service';

const KAFKA_UPSTREAM: Actor = { id: 'system:contacts.inbound', role: 'system' };

/**
 * Upstream systems may post contacts to `contacts.inbound` instead of HTTP. These are raw
 * payloads, not events, so they skip the event consumer base: a contact is idempotent by
 * its source and external id, and a bad one goes to the dead-letter topic with the reason.
 */
@Injectable()
export class InboundContactsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly groupId: string;
  private running = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CONFIG) private readonly config: IntakeConfig,
    private readonly contacts: ContactsService,
    private readonly logger: JsonLogger,
    private readonly metrics: ServiceMetrics,
    private readonly groups: ConsumerGroups,
  ) {
    this.groupId = prefixed(config, 'handoff-intake.contacts-inbound');
  }

  async onApplicationBootstrap(): Promise<void> {
    let joined = false;
    this.groups.register({
      groupId: this.groupId,
      topics: [prefixed(this.config, TOPICS.contactsInbound)],
      state: () => ({ running: this.running, joined }),
    });
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false, sessionTimeout: this.config.KAFKA_SESSION_TIMEOUT_MS });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.running = false;
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: prefixed(this.config, TOPICS.contactsInbound), fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.config.KAFKA_TOPIC_PARTITIONS,
      eachMessage: ({ topic, partition, message }) =>
        traceMessage({ topic, partition, offset: message.offset, groupId: this.groupId, headers: message.headers }, () => this.receive(topic, partition, message)),
    });
    this.running = true;
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private async receive(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const source = `${topic}/${partition}/${message.offset}`;
    let payload: unknown;
    try {
      payload = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch {
      return this.deadLetter(topic, partition, message, new DeadLetterReason('invalid_json', 'the value is not JSON'));
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.contacts.record(payload, commandMetadata(KAFKA_UPSTREAM, source));
        this.logger.event('info', 'contact received from Kafka', { source, ticketId: result.ticketId, created: result.created });
        return;
      } catch (error) {
        if (error instanceof ValidationFailed || error instanceof DomainError) {
          return this.deadLetter(topic, partition, message, new DeadLetterReason(error instanceof DomainError ? 'domain_refusal' : 'invalid_envelope', error.message));
        }
        if (!isTransientError(error)) {
          return this.deadLetter(topic, partition, message, new DeadLetterReason('handler_failed', error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
        }
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)));
      }
    }
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, reason: DeadLetterReason): Promise<void> {
    await this.producer!.send({
      topic: prefixed(this.config, TOPICS.deadLetter),
      acks: -1,
      messages: [
        // The value is a raw contact, contact details in clear: the dead letter points at it
        // (source topic/partition/offset) instead of copying it onto a second topic.
        toDeadLetterMessage(
          { ...message, value: null },
          { topic, partition, offset: message.offset, consumerGroup: this.groupId, consumerName: 'intake.contacts-inbound' },
          reason,
          new Date(),
        ),
      ],
    });
    this.metrics.recordDeadLetter(reason.code);
    this.logger.event('warn', 'inbound contact dead-lettered', { source: `${topic}/${partition}/${message.offset}`, reason: reason.code });
  }
}
