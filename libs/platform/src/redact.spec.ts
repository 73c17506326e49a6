import { randomBytes, randomUUID } from 'node:crypto';
import { JsonLogger, redact } from './logger';

describe('the log redactor', () => {
  it('leaves 100,000 random UUIDs as they were, alone and inside a log line', () => {
    const altered: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const id = i % 2 === 0 ? randomUUID() : randomUUID().toUpperCase();
      if (redact(id) !== id) altered.push(id);
      const line = `{"msg":"request failed","requestId":"${id}","ticketId":${JSON.stringify(id)}}`;
      if (redact(line) !== line) altered.push(line);
    }
    expect(altered).toEqual([]);
  });

  it('leaves the request id of issue 16 whole', () => {
    expect(redact('requestId f1a4f201-8678-4637-abed-59b12350a95f')).toBe('requestId f1a4f201-8678-4637-abed-59b12350a95f');
  });

  const phones = [
    '13800138000',
    '15912345678',
    '19987654321',
    '138 0013 8000',
    '138-0013-8000',
    '+8613800138000',
    '+86 138 0013 8000',
    '+86-138-0013-8000',
    '+86 13800138000',
    '008613800138000',
    '010-65529988',
    '010 6552 9988',
    '(010) 6552 9988',
    '(010)65529988',
    '0755-12345678',
    '0755 1234 5678',
    '075512345678',
    '021-6888-1234',
    '+86 10 6552 9988',
    '+86 (10) 6552-9988',
    '+44 20 7946 0958',
    '+44 (0)20 7946 0958',
    '+44 7911 123456',
    '+44-7911-123456',
    '+1 415 555 2671',
    '+1-415-555-2671',
    '+49 30 123456',
    '+33 1 23 45 67 89',
  ];
  const emails = ['li.lei@example.com', 'HAN.MEIMEI+support@mail.example.cn', 'x_y-z%1@sub.domain.org', '13800138000@163.com', 'wang@qq.com'];

  it.each(phones)('masks the phone number %s wherever it stands', (phone) => {
    for (const text of [phone, `call ${phone} now`, `{"phone":"${phone}"}`, `电话${phone}。`, `tel:${phone}, then`, `at 2026-11-23T08:00:00Z ${phone}`, `count 12 ${phone}`]) {
      const masked = redact(text);
      expect(masked).toContain('[redacted-phone]');
      expect(masked.replace(/\D/g, '')).not.toContain(phone.replace(/\D/g, '').slice(-7));
    }
  });

  it.each(emails)('masks the e-mail address %s wherever it stands', (email) => {
    for (const text of [email, `write to ${email}.`, `{"email":"${email}"}`, `<${email}>`]) {
      const masked = redact(text);
      expect(masked).toContain('[redacted-email]');
      expect(masked).not.toContain(email);
    }
  });

  it.each([
    '2026-11-23T08:00:00Z',
    '2026-11-23T08:00:00.123Z',
    '2026-11-23T16:00:00+08:00',
    '2026-11-23 08:00:00',
    '2026-11-23',
    '"globalPosition":"13800"',
    '"position":"12345678901"',
    'checkpoint 1764921600123',
    'offsets 1000-2000',
    'partition 2 offset 4711',
    'listening on 127.0.0.1:3001',
    'durationMs 12345',
    'sha256 1380013800012345abcdef0123456789abcdef0123456789abcdef0123456789',
    'digest a1380013800012345abcdef0123456789abcdef0123456789abcdef012345678',
    'key cust_13800138000abc',
    'actor h-13800138000',
  ])('leaves %s intact', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('masks only the contact details of a mixed line', () => {
    const id = 'f1a4f201-8678-4637-abed-59b12350a95f';
    expect(redact(`ticket ${id} at 2026-11-23T08:00:00Z position 4711: li.lei@example.com, +86 138-0013-8000`)).toBe(
      `ticket ${id} at 2026-11-23T08:00:00Z position 4711: [redacted-email], [redacted-phone]`,
    );
  });

  it('keeps random hex digests and random digit strings that are not phone-shaped', () => {
    for (let i = 0; i < 10_000; i++) {
      const digest = randomBytes(32).toString('hex');
      expect(redact(digest)).toBe(digest);
    }
  });

  it('applies to every line the logger writes', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('intake', 'info', (line) => lines.push(line));
    const requestId = randomUUID();
    logger.event('warn', 'refused', { requestId, detail: 'customer 138 0013 8000 / li@example.com' });
    const entry = JSON.parse(lines[0]);
    expect(entry.requestId).toBe(requestId);
    expect(entry.detail).toBe('customer [redacted-phone] / [redacted-email]');
  });
});
