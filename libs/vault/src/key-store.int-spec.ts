import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import { CustomerKeyStore } from './key-store';
import { CustomerVault } from './vault';

describe('the customer key store on PostgreSQL', () => {
  let database: TestDatabase;
  let vault: CustomerVault;
  let otherProcess: CustomerVault;
  const master = randomBytes(32);
  const pepper = randomBytes(16);

  beforeAll(async () => {
    database = await createTestDatabase('vault');
    vault = new CustomerVault(await CustomerKeyStore.open({ connectionString: database.url, masterKey: master, cacheMs: 0 }), pepper);
    otherProcess = new CustomerVault(await CustomerKeyStore.open({ connectionString: database.url, masterKey: master, cacheMs: 0 }), pepper);
  });
  afterAll(async () => {
    await vault?.close();
    await otherProcess?.close();
    await database?.drop();
  });

  it('seals with the customer’s key and opens it in another process, clear or masked', async () => {
    const sealed = await vault.seal({ name: 'Li Lei', phone: '+86 138 0013 8000' });
    expect(await otherProcess.open(sealed, true)).toEqual({ status: 'clear', details: { name: 'Li Lei', phone: '+86 138 0013 8000' } });
    expect(await otherProcess.open(sealed, false)).toEqual({ status: 'masked', details: { name: 'L* L**', phone: '***00' } });
  });

  it('uses one key for all of a customer’s tickets, so erasure covers them all', async () => {
    const first = await vault.seal({ name: 'Han Mei', email: 'han.mei@example.com' });
    const second = await otherProcess.seal({ name: 'Han Mei', email: 'HAN.MEI@example.com', phone: '+86 137 0000 0000' });
    expect(second.keyId).toBe(first.keyId);

    const erasure = await vault.erase(first.keyId, 'management:director-1', 'customer asked to be forgotten');
    expect(await otherProcess.open(first, true)).toEqual({ status: 'erased' });
    expect(await otherProcess.open(second, false)).toEqual({ status: 'erased' });
    expect(await vault.keyIdOf({ name: 'x', email: 'han.mei@example.com' })).toBe(first.keyId);
    expect(erasure).toMatchObject({ keyId: first.keyId, erasedBy: 'management:director-1' });
  });

  it('gives a returning customer a new key that cannot open what was erased', async () => {
    const before = await vault.seal({ name: 'Zhao Lei', email: 'zhao@example.com' });
    await vault.erase(before.keyId, 'management:director-1', 'erasure request');
    const after = await vault.seal({ name: 'Zhao Lei', email: 'zhao@example.com' });
    expect(after.keyId).toBe(before.keyId);
    expect(await vault.open(before, true)).toEqual({ status: 'erased' });
    expect(await vault.open(after, true)).toMatchObject({ status: 'clear' });
  });

  it('opens a page of customers with one key read, each as it would open alone, erased ones erased', async () => {
    const kept = await vault.seal({ name: 'Qian Yu', phone: '+86 135 0000 2222' });
    const alsoKept = await vault.seal({ name: 'Wu Fang', email: 'wu.fang@example.com' });
    const erased = await vault.seal({ name: 'Zheng He', phone: '+86 134 0000 3333' });
    await vault.erase(erased.keyId, 'management:director-1', 'erasure request');
    const page = [kept, erased, alsoKept, kept];

    const opened = await otherProcess.openMany(page, false);
    expect(opened).toEqual(await Promise.all(page.map((customer) => otherProcess.open(customer, false))));
    expect(opened.map((one) => one.status)).toEqual(['masked', 'erased', 'masked', 'masked']);
    expect(await otherProcess.openMany([], true)).toEqual([]);
  });

  it('creates one key for a new customer whom several processes seal at the same moment, and each seals with it', async () => {
    const stores = await Promise.all(Array.from({ length: 6 }, () => CustomerKeyStore.open({ connectionString: database.url, masterKey: master, cacheMs: 0 })));
    try {
      const keyId = `k-${randomBytes(8).toString('hex')}`;
      const keys = await Promise.all(stores.flatMap((store) => [store.keyFor(keyId), store.keyFor(keyId)]));
      expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
      expect(await stores[0].find(keyId)).toEqual(keys[0]);
      expect(await stores[0].findMany([keyId])).toEqual(new Map([[keyId, keys[0]]]));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('stores data keys only wrapped', async () => {
    await vault.seal({ name: 'Sun Li', phone: '+86 136 0000 1111' });
    const { Client } = await import('pg');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const rows = await client.query<{ wrapped_key: Buffer }>('SELECT wrapped_key FROM customer_keys');
    await client.end();
    // iv (12) + 32-byte key + tag (16): never the bare 32-byte key.
    expect(rows.rows.every((row) => row.wrapped_key.length === 60)).toBe(true);
  });

  it('survives the server ending its idle connections, and keeps working', async () => {
    const sealed = await vault.seal({ name: 'Qian Yu', phone: '+86 135 0000 2222' });
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    const ended = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    await admin.end();
    expect(ended.rowCount).toBeGreaterThan(0);
    // The pools hear of it on their idle connections; the next reads reconnect.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await otherProcess.open(sealed, true)).toEqual({ status: 'clear', details: { name: 'Qian Yu', phone: '+86 135 0000 2222' } });
  });
});

