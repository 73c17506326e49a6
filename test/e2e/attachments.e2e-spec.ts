import { contact } from '../support/contacts';
import { HTML, PDF, png } from '../support/files';
import { scanDatabase, scanLines, scanTopics } from '../support/scan';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * Files on a ticket's conversation through the running services: the department attaches a
 * screenshot to its progress update, CS reads it and sees it on that entry; the type is read
 * from the bytes, the size is limited, another department is kept out, and once the customer
 * is erased the file cannot be read by anyone.
 */
describe('attachments on a ticket’s conversation', () => {
  let system: TestSystem;
  let ticketId: string;
  let progressId: string;
  let contactId: string;
  let tokens: Record<'cs' | 'billing' | 'logistics' | 'management' | 'auditor', string>;
  const screenshot = png(48, 32);

  beforeAll(async () => {
    system = await TestSystem.start();
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const management = system.as({ token: system.token('management', 'director-1') });
    const opened = await upstream.post(
      'intake',
      '/v1/contacts',
      contact({ type: 'complaint', subject: 'Charged twice', description: '我的账单被扣了两次，请退款。', customer: { name: 'Wang Fang', phone: '+86 139 1234 5678' } }),
    );
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
    const holderId = await system.holderInQueue(ticketId, 'billing');
    tokens = {
      cs: system.token('cs', 'agent-1'),
      billing: system.token('department_handler', holderId, 'billing'),
      logistics: system.token('department_handler', 'logistics-li', 'logistics'),
      management: system.token('management', 'director-1'),
      auditor: system.token('auditor', 'auditor-1'),
    };
    const billing = system.as({ token: tokens.billing });
    expect((await billing.post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'Bank transfer screenshot attached.' })).status).toBe(200);
    const conversation = await eventually(async () => {
      const response = await system.as({ token: tokens.cs }).get('evaluation', `/v1/tickets/${ticketId}/conversation`);
      const types = (response.body.entries ?? []).map((entry: { type: string }) => entry.type);
      // The customer key arrives with the contact in search's row; the progress entry in the timeline.
      return types.includes('ProgressReported') ? response.body : undefined;
    }, 'the progress update in the conversation');
    progressId = conversation.entries.find((entry: { type: string }) => entry.type === 'ProgressReported').eventId;
    contactId = conversation.entries.find((entry: { type: string }) => entry.type === 'ContactRecorded').eventId;
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function upload(as: keyof typeof tokens, body: Buffer, query: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(`${system.url('evaluation')}/v1/tickets/${ticketId}/attachments?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[as]}`, ...headers },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  const read = (as: keyof typeof tokens, contentHash: string, headers: Record<string, string> = {}) =>
    fetch(`${system.url('evaluation')}/v1/tickets/${ticketId}/attachments/${contentHash}`, { headers: { authorization: `Bearer ${tokens[as]}`, ...headers } });

  const conversationOf = (until: (entries: any[]) => boolean) =>
    eventually(async () => {
      const response = await system.as({ token: tokens.cs }).get('evaluation', `/v1/tickets/${ticketId}/conversation`);
      return response.status === 200 && until(response.body.entries) ? response.body.entries : undefined;
    }, 'the conversation');

  let screenshotHash: string;

  it('takes the department’s screenshot on its progress update, and CS reads it back as it was sent', async () => {
    const added = await upload('billing', screenshot, { fileName: '转账截图 13912345678.png', entryId: progressId }, { 'content-type': 'image/png' });
    expect(added).toEqual({
      status: 201,
      body: { ticketId, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/), contentType: 'image/png', size: screenshot.length, entryId: progressId, href: expect.any(String) },
    });
    screenshotHash = added.body.contentHash;
    expect(added.body.href).toBe(`/v1/tickets/${ticketId}/attachments/${screenshotHash}`);

    const response = await read('cs', screenshotHash);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(screenshot)).toBe(true);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    // The event names the file by a hash keyed with the customer's key, never by the plain SHA-256 of its bytes.
    const { createHash } = await import('node:crypto');
    expect(screenshotHash).not.toBe(createHash('sha256').update(screenshot).digest('hex'));

    const entries = await conversationOf((all) => all.some((entry) => entry.type === 'AttachmentAdded'));
    const progress = entries.find((entry: { eventId: string }) => entry.eventId === progressId);
    expect(progress.attachments).toEqual([
      { contentHash: screenshotHash, fileName: '转账截图 13912345678.png', contentType: 'image/png', size: screenshot.length, entryId: progressId, href: added.body.href },
    ]);
    expect(entries.find((entry: { type: string }) => entry.type === 'AttachmentAdded')).toMatchObject({ kind: 'attachment', actor: { role: 'department_handler', department: 'billing' } });
    // Its name is sealed with the customer's key, as her phone number in it would be.
    const disposition = (await read('cs', screenshotHash)).headers.get('content-disposition');
    expect(disposition).toMatch(/^inline; filename="[^"]+"; filename\*=UTF-8''%E8%BD%AC/);
  });

  it('lets whoever reads the ticket read it, and keeps another department out', async () => {
    expect((await read('management', screenshotHash)).status).toBe(200);
    expect((await read('auditor', screenshotHash)).status).toBe(200);
    expect((await read('logistics', screenshotHash)).status).toBe(403);
    expect((await upload('logistics', screenshot, { fileName: 'ours.png' })).status).toBe(403);
    expect((await upload('auditor', screenshot, { fileName: 'mine.png' })).status).toBe(403);
  });

  it('lets CS attach to the contact but not to the department’s progress update', async () => {
    expect((await upload('cs', PDF, { fileName: 'invoice.pdf', entryId: progressId }, { 'content-type': 'application/pdf' })).status).toBe(403);
    const added = await upload('cs', PDF, { fileName: 'invoice.pdf', entryId: contactId }, { 'content-type': 'application/pdf' });
    expect(added.status).toBe(201);
    expect(added.body.contentType).toBe('application/pdf');
    const response = await read('billing', added.body.contentHash);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('refuses a file whose bytes are not what it claims, or not a kind a ticket takes, naming the file, in English and Chinese', async () => {
    const mismatch = await upload('billing', PDF, { fileName: 'photo.png' }, { 'content-type': 'image/png' });
    expect(mismatch.status).toBe(415);
    expect(mismatch.body).toMatchObject({ error: 'unsupported_media_type', fields: [{ field: 'file', message: "The file's content is application/pdf, not the type it was sent as." }] });

    const disguised = await upload('billing', HTML, { fileName: 'photo.png' }, { 'content-type': 'image/png' });
    expect(disguised.status).toBe(415);
    const undeclared = await upload('billing', HTML, { fileName: 'page.html' }, { 'accept-language': 'zh-CN' });
    expect(undeclared.status).toBe(415);
    expect(undeclared.body.fields).toEqual([{ field: 'file', message: expect.stringContaining('工单不接受这种文件') }]);
    expect(undeclared.body.message).toContain('工单不接受这种文件');
  });

  it('refuses a file over the limit with 413 naming the limit, and a request without a name or a file with 400', async () => {
    const tooLarge = Buffer.concat([screenshot, Buffer.alloc(10 * 1024 * 1024 + 1 - screenshot.length)]);
    const refused = await upload('billing', tooLarge, { fileName: 'huge.png' }, { 'content-type': 'image/png' });
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ error: 'payload_too_large', message: 'The file is too large: at most 10 MB.', fields: [{ field: 'file' }] });

    const unnamed = await upload('billing', screenshot, {}, { 'content-type': 'image/png' });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.fields.map((field: { field: string }) => field.field)).toEqual(['fileName']);
    const empty = await upload('billing', Buffer.alloc(0), { fileName: 'nothing.png' });
    expect(empty.status).toBe(400);
    expect(empty.body.fields).toEqual([{ field: 'file', message: 'The file is empty.' }]);
    const foldered = await upload('billing', screenshot, { fileName: '../../etc/passwd' });
    expect(foldered.status).toBe(400);
    expect(foldered.body.fields.map((field: { field: string }) => field.field)).toEqual(['fileName']);
    const notAnEntry = await upload('billing', screenshot, { fileName: 'x.png', entryId: '00000000-0000-4000-8000-000000000000' });
    expect(notAnEntry.status).toBe(400);
    expect(notAnEntry.body.fields.map((field: { field: string }) => field.field)).toEqual(['entryId']);
  });

  it('adds the same file on the same entry once, and none of the refused ones', async () => {
    expect((await upload('billing', screenshot, { fileName: 'again.png', entryId: progressId })).body.contentHash).toBe(screenshotHash);
    // A note after them: once it is in the conversation, every attachment before it is too (one stream, one order).
    expect((await system.as({ token: tokens.cs }).post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: 'Files checked.' })).status).toBe(201);
    const entries = await conversationOf((all) => all.some((entry) => entry.type === 'NoteAdded'));
    const added = entries.filter((entry: { type: string }) => entry.type === 'AttachmentAdded');
    expect(added.map((entry: { attachments: { contentType: string }[] }) => entry.attachments[0].contentType)).toEqual(['image/png', 'application/pdf']);
  });

  it('answers 404 for a file the ticket does not have', async () => {
    expect((await read('cs', 'f'.repeat(64))).status).toBe(404);
    expect((await read('cs', 'not-a-hash')).status).toBe(404);
  });

  it('holds the file and its name in clear in no table, no Kafka message and no log line', async () => {
    // The name carries the customer's phone number, as a recording's often does; the bytes are the screenshot's own.
    const secrets = ['13912345678', '转账截图', screenshot.subarray(40, 72).toString('hex')];
    const topics = (await system.topics()).filter((topic) => !topic.endsWith('.contacts.inbound'));
    const kafka = await scanTopics(topics, secrets);
    const tables = await Promise.all([...SERVICE_NAMES.map((name) => system.databaseOf(name)), system.vaultDatabase].map((database) => scanDatabase(database, secrets)));
    // Control: the same scans find what is meant to be stored in clear, the file's keyed hash.
    expect((await scanDatabase(system.databaseOf('evaluation'), [screenshotHash])).findings.map((found) => found.where)).toEqual(
      expect.arrayContaining([expect.stringMatching(/attachment_contents$/), expect.stringMatching(/ticket_attachments$/)]),
    );
    expect((await scanTopics(topics, [screenshotHash])).findings.length).toBeGreaterThan(0);
    expect([...scanLines(system.logs, secrets), ...kafka.findings, ...tables.flatMap((scan) => scan.findings)]).toEqual([]);
  });

  it('after the customer’s erasure, answers 410 saying so, and takes no more files for the ticket', async () => {
    const management = system.as({ token: tokens.management });
    expect((await management.post('intake', '/v1/customers/erasure', { ticketId, reason: 'the customer asked to be forgotten (ref. E-21)' })).status).toBe(200);
    // Another service may use the key it holds for a few seconds more (the key store's cache).
    const gone = await eventually(async () => {
      const response = await read('cs', screenshotHash);
      return response.status === 410 ? response : undefined;
    }, 'the attachment to be unreadable');
    expect(await gone.json()).toMatchObject({ error: 'customer_erased', message: "The customer's data was erased on request: this attachment can no longer be read." });
    const inChinese = await read('management', screenshotHash, { 'accept-language': 'zh-CN' });
    expect(inChinese.status).toBe(410);
    expect(((await inChinese.json()) as { message: string }).message).toBe('该客户的数据已按要求删除，此附件无法再读取。');
    expect((await upload('billing', png(8, 8), { fileName: 'late.png', entryId: progressId })).status).toBe(410);

    // The conversation still lists the file (the history is intact), without its sealed name.
    const entries = await conversationOf(() => true);
    const progress = entries.find((entry: { eventId: string }) => entry.eventId === progressId);
    expect(progress.attachments).toEqual([expect.objectContaining({ contentHash: screenshotHash, fileName: null })]);
  });
});
