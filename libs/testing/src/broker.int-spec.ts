import { Kafka, logLevel, Partitioners, type Admin } from 'kafkajs';
import { kafkaBrokers, uniqueSuffix } from './infrastructure';

// The smallest proof that the broker the tests run against is a real, working Kafka: topics are
// created explicitly (auto-creation is off), keyed messages keep their per-key order, and a new
// consumer group reads them back from the beginning.
describe('the Kafka broker used by integration tests', () => {
  const topic = `handoff-smoke-${uniqueSuffix()}`;
  const kafka = new Kafka({ clientId: 'handoff-broker-smoke', brokers: kafkaBrokers(), logLevel: logLevel.ERROR });
  let admin: Admin;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('delivers produced keyed messages back to a consumer, in order per key', async () => {
    const sent = ['ticket-1', 'ticket-2', 'ticket-3'].flatMap((key) =>
      [1, 2, 3].map((n) => ({ key, value: `${key}:event-${n}` })),
    );
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${topic}-reader` });
    const received: { key: string; value: string; partition: number }[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              received.push({ key: String(message.key), value: String(message.value), partition });
              if (received.length === sent.length) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }

    expect(received.map(({ key, value }) => ({ key, value })).sort((a, b) => a.value.localeCompare(b.value))).toEqual(
      [...sent].sort((a, b) => a.value.localeCompare(b.value)),
    );
    for (const key of ['ticket-1', 'ticket-2', 'ticket-3']) {
      const ofKey = received.filter((message) => message.key === key);
      expect(ofKey.map((message) => message.value)).toEqual([1, 2, 3].map((n) => `${key}:event-${n}`));
      expect(new Set(ofKey.map((message) => message.partition)).size).toBe(1);
    }
  }, 30_000);
});
