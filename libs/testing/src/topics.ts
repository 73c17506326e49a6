import type { Kafka, KafkaMessage } from 'kafkajs';
import { uniqueSuffix } from './infrastructure';

/** Everything on a topic from its beginning, read by a throwaway group, once what has been read is `enough`. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  enough: (messages: readonly KafkaMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: `test-reader-${uniqueSuffix()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    const deadline = Date.now() + timeoutMs;
    while (!enough(messages)) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the messages expected on ${topic} (${messages.length} read)`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
