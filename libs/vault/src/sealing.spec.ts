import { randomBytes } from 'node:crypto';
import { customerKeyId, fingerprint, keyedContentHash, maskDetails, newDataKey, seal, sealBytes, sealText, unseal, unsealBytes, unsealText, unwrapKey, wrapKey } from './sealing';

const details = { name: 'Wang Fang', phone: '+86 139 1234 5678', email: 'wang.fang@example.com' };

describe('sealing contact details', () => {
  it('opens what it sealed, and the ciphertext shows nothing of the details', () => {
    const key = newDataKey();
    const sealed = seal(details, 'cust_a', key);
    expect(sealed).not.toMatch(/Wang|1234|example/);
    expect(unseal(sealed, 'cust_a', key)).toEqual(details);
  });

  it('cannot be opened with another key, or moved to another customer', () => {
    const key = newDataKey();
    const sealed = seal(details, 'cust_a', key);
    expect(() => unseal(sealed, 'cust_a', newDataKey())).toThrow();
    expect(() => unseal(sealed, 'cust_b', key)).toThrow();
  });

  it('notices a changed ciphertext', () => {
    const key = newDataKey();
    const [version, iv, ciphertext, tag] = seal(details, 'cust_a', key).split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;
    expect(() => unseal([version, iv, flipped.toString('base64url'), tag].join('.'), 'cust_a', key)).toThrow();
  });

  it('wraps data keys under the master key, bound to their key id', () => {
    const master = randomBytes(32);
    const key = newDataKey();
    const wrapped = wrapKey(key, 'cust_a', master);
    expect(unwrapKey(wrapped, 'cust_a', master).equals(key)).toBe(true);
    expect(() => unwrapKey(wrapped, 'cust_b', master)).toThrow();
    expect(() => unwrapKey(wrapped, 'cust_a', randomBytes(32))).toThrow();
  });
});

describe('sealing a file about the customer', () => {
  const recording = Buffer.from('ID3 call recording of +86 139 1234 5678');

  it('opens what it sealed only for the same purpose and key, and the ciphertext shows nothing of the file', () => {
    const key = newDataKey();
    const sealed = sealBytes(recording, 'file:cust_a:t1:h1', key);
    expect(sealed.includes(Buffer.from('1234'))).toBe(false);
    expect(unsealBytes(sealed, 'file:cust_a:t1:h1', key).equals(recording)).toBe(true);
    expect(() => unsealBytes(sealed, 'file:cust_a:t2:h1', key)).toThrow();
    expect(() => unsealBytes(sealed, 'file:cust_a:t1:h1', newDataKey())).toThrow();
  });

  it('seals a file name in the form events carry, and opens it again', () => {
    const key = newDataKey();
    const sealed = sealText('录音 13912345678.mp3', 'file-name:cust_a:t1', key);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('1391');
    expect(unsealText(sealed, 'file-name:cust_a:t1', key)).toBe('录音 13912345678.mp3');
    expect(() => unsealText(sealed, 'file-name:cust_b:t1', key)).toThrow();
  });

  it('hashes the same bytes the same under one key, and differently under another', () => {
    const key = newDataKey();
    expect(keyedContentHash(recording, key)).toBe(keyedContentHash(Buffer.from(recording), key));
    expect(keyedContentHash(recording, key)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedContentHash(recording, newDataKey())).not.toBe(keyedContentHash(recording, key));
    expect(keyedContentHash(Buffer.from('other'), key)).not.toBe(keyedContentHash(recording, key));
  });
});

describe('one key per customer', () => {
  const pepper = Buffer.from('pepper');

  it('is the same for the same customer however the contact was typed', () => {
    expect(customerKeyId({ name: 'A', email: ' Wang.Fang@Example.com ' }, pepper)).toBe(customerKeyId({ name: 'B', email: 'wang.fang@example.com' }, pepper));
    expect(customerKeyId({ name: 'A', phone: '+86 139-1234-5678' }, pepper)).toBe(customerKeyId({ name: 'A', phone: '+8613912345678' }, pepper));
  });

  it('prefers the upstream customer id, and reveals nothing in itself', () => {
    const byId = customerKeyId({ name: 'A', email: 'a@example.com', customerId: 'C-1' }, pepper);
    expect(byId).toBe(customerKeyId({ name: 'A', phone: '+1 555 0100', customerId: 'C-1' }, pepper));
    expect(byId).toMatch(/^cust_[A-Za-z0-9_-]{32}$/);
    expect(byId).not.toBe(customerKeyId({ name: 'A', email: 'a@example.com', customerId: 'C-1' }, Buffer.from('other pepper')));
  });
});

describe('masking for roles without the need to know', () => {
  it('keeps just enough to recognise a record', () => {
    expect(maskDetails(details)).toEqual({ name: 'W*** F***', phone: '***78', email: 'w***@example.com' });
    expect(maskDetails({ name: '王芳' })).toEqual({ name: '王*' });
  });

  it('fingerprints each detail under the customer key: equal for the same details, unequal for others, nothing readable', () => {
    const key = newDataKey();
    const print = fingerprint(details, key);
    expect(fingerprint({ ...details, phone: '+86 139-1234-5678', email: ' Wang.Fang@example.com ' }, key)).toEqual(print);
    expect(fingerprint({ ...details, name: 'Wang Fan' }, key)).toEqual({ ...print, name: expect.not.stringMatching(print.name) });
    expect(fingerprint(details, newDataKey()).phone).not.toBe(print.phone);
    expect(JSON.stringify(print)).not.toMatch(/Wang|1234|example/);
    expect(fingerprint({ name: 'Wang Fang' }, key)).toEqual({ name: print.name });
  });
});
