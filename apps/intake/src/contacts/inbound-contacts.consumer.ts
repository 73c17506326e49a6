import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { DomainError, TOPICS, ValidationFailed, type Actor } from '@handoff/contracts';
import { backoffDelay, DeadLetterReason, isTransientError, jsonLineLogger, prepareTopics, toDeadLetterMessage, traceMessage, UntilStarted } from '@handoff/messaging';
import { CONFIG, ConsumerGroups, JsonLogger, KAFKA, prefixed, ServiceMetrics, commandMetadata, CLOCK, type Clock } from '@handoff/platform';
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
  private starter: UntilStarted | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CONFIG) private readonly config: IntakeConfig,
    private readonly contacts: ContactsService,
    private readonly logger: JsonLogger,
    private readonly metrics: ServiceMetrics,
    private readonly groups: ConsumerGroups,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.groupId = prefixed(config, 'handoff-intake.contacts-inbound');
  }

  /** The broker may not be there yet: the consumer starts when it is, and readiness says it is not running until then. */
  onApplicationBootstrap(): void {
    let joined = false;
    const topic = prefixed(this.config, TOPICS.contactsInbound);
    this.groups.register({ groupId: this.groupId, topics: [topic], state: () => ({ running: this.running, joined }) });
    this.starter = new UntilStarted('contacts.inbound consumer', jsonLineLogger({ minLevel: this.config.LOG_LEVEL, base: { service: 'intake' } }), { groupId: this.groupId });
    this.starter.begin(async () => {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false });
      const consumer = this.kafka.consumer({
        groupId: this.groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: this.config.KAFKA_SESSION_TIMEOUT_MS,
        maxWaitTimeInMs: this.config.KAFKA_CONSUMER_MAX_WAIT_MS,
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        joined = true;
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) this.running = false;
      });
      try {
        await prepareTopics(this.kafka, [{ topic, numPartitions: this.config.KAFKA_TOPIC_PARTITIONS }]);
        await producer.connect();
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          partitionsConsumedConcurrently: this.config.KAFKA_TOPIC_PARTITIONS,
          // An upstream system's `traceparent` header is continued into intake and on.
          eachMessage: ({ topic: from, partition, message }) =>
            traceMessage({ topic: from, partition, offset: message.offset, groupId: this.groupId, headers: message.headers }, () => this.receive(from, partition, message)),
        });
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
      this.producer = producer;
      this.consumer = consumer;
      this.running = true;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    // Cancelled first: an attempt in flight finishes, and what it started is stopped below.
    await this.starter?.cancel();
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
        const result = await this.contacts.record(payload, commandMetadata(KAFKA_UPSTREAM, source, this.clock()));
        this.logger.event('info', 'contact received from Kafka', { source, ticketId: result.ticketId, created: result.created });
        return;
      } catch (error) {
        if (error instanceof DomainError) {
          return this.deadLetter(topic, partition, message, new DeadLetterReason(error instanceof ValidationFailed ? 'invalid_envelope' : 'domain_refusal', error.message));
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
          this.clock(),
        ),
      ],
    });
    this.metrics.recordDeadLetter(reason.code);
    this.logger.event('warn', 'inbound contact dead-lettered', { source: `${topic}/${partition}/${message.offset}`, reason: reason.code });
  }
}
