// Replaced by the infrastructure work: ensures PostgreSQL and the Kafka broker before integration tests.
export default async function globalSetup(): Promise<void> {}
