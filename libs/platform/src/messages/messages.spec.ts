import { z } from 'zod';
import { freeText, parseContactPayload, parseOrThrow, ValidationFailed, type FieldError } from '@handoff/contracts';
import { bytesAsText, describeFields, fieldMessage, languageOf, refusalMessage } from './index';

const valid = {
  sourceSystem: 'cs-console',
  externalId: 'agent-1:1',
  channel: 'hotline',
  type: 'complaint',
  customer: { name: 'Li Wei', phone: '+86 138 0013 8000' },
  subject: 'Parcel late',
  description: 'Three days late.',
};

function refusal(run: () => unknown): readonly FieldError[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors;
    throw error;
  }
  throw new Error('expected a refusal');
}
const said = (errors: readonly FieldError[], language: 'en' | 'zh-CN') => Object.fromEntries(describeFields(errors, language).map(({ field, message }) => [field, message]));

// The same shape as follow-up's confirmation body: the objection is required when not satisfied.
const confirmation = z.discriminatedUnion('satisfied', [
  z.strictObject({ satisfied: z.literal(true) }),
  z.strictObject({ satisfied: z.literal(false), objection: freeText(4000) }),
]);

describe('what the services say about a refused field', () => {
  it('given an objection left blank, then it asks for it as a sentence, in English and in Chinese', () => {
    const errors = refusal(() => parseOrThrow(confirmation, { satisfied: false, objection: '   ' }));
    expect(said(errors, 'en')).toEqual({ objection: "Write the customer's objection." });
    expect(said(errors, 'zh-CN')).toEqual({ objection: '请填写客户的异议。' });
  });

  it('given an objection not sent at all, then it is asked for the same way', () => {
    const errors = refusal(() => parseOrThrow(confirmation, { satisfied: false }));
    expect(said(errors, 'en')).toEqual({ objection: "Write the customer's objection." });
    expect(said(errors, 'zh-CN')).toEqual({ objection: '请填写客户的异议。' });
  });

  it('given no answer on satisfaction, then it asks to choose one', () => {
    const errors = refusal(() => parseOrThrow(confirmation, {}));
    expect(said(errors, 'en')).toEqual({ satisfied: 'Choose whether the customer is satisfied.' });
    expect(said(errors, 'zh-CN')).toEqual({ satisfied: '请选择客户是否满意。' });
  });

  it('given a contact with a bad phone, a blank subject, a long name, a bad e-mail and an unknown field, then each is named in words', () => {
    const errors = refusal(() =>
      parseContactPayload({ ...valid, customer: { name: 'n'.repeat(101), phone: '138-CALL-ME', email: 'li@' }, subject: '', shoeSize: 42 }),
    );
    expect(said(errors, 'en')).toEqual({
      'customer.name': "The customer's name is too long: at most 100 characters.",
      'customer.phone': 'The phone number is not valid: use 6 to 15 digits (spaces, - ( ) and a leading + are allowed).',
      'customer.email': 'The e-mail address is not a valid e-mail address.',
      subject: 'Write the subject.',
      shoeSize: '“shoeSize” is not a field this request takes.',
    });
    expect(said(errors, 'zh-CN')).toEqual({
      'customer.name': '客户姓名过长：最多 100 个字符。',
      'customer.phone': '电话号码格式不正确：应为 6 至 15 位数字（可含空格、- ( ) 及开头的 +）。',
      'customer.email': '电子邮箱格式不正确。',
      subject: '请填写主题。',
      shoeSize: '本请求不接受字段“shoeSize”。',
    });
  });

  it('given a contact without phone or e-mail, or without channel, then it says what to give', () => {
    const noContact = refusal(() => parseContactPayload({ ...valid, customer: { name: 'Li' } }));
    expect(said(noContact, 'en')).toEqual({ customer: "Give the customer's phone number or e-mail address." });
    expect(said(noContact, 'zh-CN')).toEqual({ customer: '请填写客户的电话号码或电子邮箱。' });
    const noChannel = refusal(() => parseContactPayload({ ...valid, channel: undefined }));
    expect(said(noChannel, 'en')).toEqual({ channel: 'Choose the channel.' });
    expect(said(noChannel, 'zh-CN')).toEqual({ channel: '请选择渠道。' });
    const badChannel = refusal(() => parseContactPayload({ ...valid, channel: 'fax' }));
    expect(said(badChannel, 'en').channel).toMatch(/^The channel must be one of: .*\bhotline, /);
    expect(said(badChannel, 'zh-CN').channel).toMatch(/^渠道必须是以下之一：.*hotline、/);
  });

  it('given a field the dictionary does not know, then the sentence still names it', () => {
    const errors = refusal(() => parseOrThrow(z.strictObject({ widgetCount: z.number().int().min(1) }), { widgetCount: 0 }));
    expect(said(errors, 'en')).toEqual({ widgetCount: 'The field “widgetCount” must be at least 1.' });
    expect(said(errors, 'zh-CN')).toEqual({ widgetCount: '字段“widgetCount”不能小于 1。' });
  });

  it("given a check that spoke in its own words, then they follow the field's name", () => {
    const own: FieldError = { field: 'handlerId', message: 'is not a handler of billing' };
    expect(fieldMessage(own, 'en')).toBe('The handler is not a handler of billing.');
    expect(fieldMessage(own, 'zh-CN')).toBe('经办人不符合要求（is not a handler of billing）。');
  });
});

describe('the language of a request', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN', 'zh-CN'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en-GB,en;q=0.9', 'en'],
    ['fr-FR,en;q=0.5,zh;q=0.8', 'zh-CN'],
    ['de-DE', 'en'],
    ['en;q=0, zh;q=0.1', 'zh-CN'],
  ] as const)('given Accept-Language %p, then the messages are in %s', (header, language) => {
    expect(languageOf(header)).toBe(language);
  });

  it('says a refusal in Chinese with the service’s words kept for whoever investigates, and leaves English as it was', () => {
    expect(refusalMessage('precondition_failed', 'the ticket is closed', 'en')).toBe('the ticket is closed');
    expect(refusalMessage('precondition_failed', 'the ticket is closed', 'zh-CN')).toBe('工单当前状态不允许此操作（the ticket is closed）。');
    expect(refusalMessage('validation_failed', 'the request is invalid', 'zh-CN')).toBe('请求无效：请修改标出的字段。');
    expect(refusalMessage('teapot', 'short and stout', 'zh-CN')).toBe('请求被拒绝（short and stout）。');
  });
});

describe('what the services say about a refused file', () => {
  it('names the size limit as people say it', () => {
    expect(bytesAsText(10 * 1024 * 1024)).toBe('10 MB');
    expect(bytesAsText(1536 * 1024)).toBe('1.5 MB');
    expect(bytesAsText(512 * 1024)).toBe('512 KB');
    expect(bytesAsText(900)).toBe('900 bytes');
  });

  it('says a file is too large, empty or of the wrong kind as a sentence naming the file, in English and in Chinese', () => {
    const tooLarge: FieldError = { field: 'file', message: 'too large', issue: { code: 'too_big', origin: 'file', maximum: 10 * 1024 * 1024 } };
    const mismatch: FieldError = { field: 'file', message: 'mismatch', issue: { code: 'custom', rule: 'file_type_mismatch', values: ['application/pdf'] } };
    const unknown: FieldError = { field: 'file', message: 'unknown', issue: { code: 'custom', rule: 'file_type_unknown' } };
    expect(fieldMessage(tooLarge, 'en')).toBe('The file is too large: at most 10 MB.');
    expect(fieldMessage(tooLarge, 'zh-CN')).toBe('文件过大：最大 10 MB。');
    expect(fieldMessage(mismatch, 'en')).toBe("The file's content is application/pdf, not the type it was sent as.");
    expect(fieldMessage(mismatch, 'zh-CN')).toBe('文件的实际内容是 application/pdf，与发送时声明的类型不符。');
    expect(fieldMessage(unknown, 'zh-CN')).toMatch(/^工单不接受这种文件：/);
    expect(fieldMessage({ field: 'fileName', message: 'folder', issue: { code: 'custom', rule: 'file_name' } }, 'en')).toBe('The file name must be a name without a folder (no / or \\).');
  });
});
