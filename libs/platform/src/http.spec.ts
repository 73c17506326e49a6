import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Module } from '@nestjs/common';
import { z } from 'zod';
import { freeText, parseOrThrow, ValidationFailed } from '@handoff/contracts';
import { installBodyParser } from './bootstrap';
import { readFileBody } from './file-body';
import { ErrorFilter } from './http';
import { JsonLogger } from './logger';

/** The edge every service shares: one error body shape, whichever layer refuses the request. */
describe('the HTTP edge', () => {
  const received: unknown[] = [];

  @Controller()
  class ProbeController {
    @Post('things/:id')
    @HttpCode(200)
    thing(@Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
      received.push(body);
      return { id };
    }

    @Post('files')
    @HttpCode(200)
    async file(@Req() request: Request) {
      const body = await readFileBody(request, 1024);
      return body.status === 'read' ? { size: body.bytes.length, first: body.bytes[0] } : body;
    }

    @Post('objections')
    @HttpCode(200)
    objection(@Body() body: unknown) {
      return parseOrThrow(z.strictObject({ objection: freeText(4000) }), body);
    }

    @Post('answers')
    @HttpCode(200)
    answer() {
      // As a decider refuses: a rule of its own, in its own words, after the schema let it through.
      throw new ValidationFailed([{ field: 'answer', message: 'must not be empty' }]);
    }
  }

  @Module({ controllers: [ProbeController] })
  class ProbeModule {}

  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(ProbeModule, { logger: false, bodyParser: false });
    installBodyParser(app, [/^\/files$/]);
    app.useGlobalFilters(new ErrorFilter(new JsonLogger('probe', 'error', () => undefined)));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
  });

  const id = '6f1c7a52-2d0e-4d55-9d7e-3f3f0a8b9c10';
  const post = (path: string, body: string | undefined, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'x-request-id': 'req-1', ...headers }, ...(body === undefined ? {} : { body }) });

  it('refuses a body that is not JSON rather than running without it', async () => {
    received.length = 0;
    const response = await post(`/things/${id}`, '{"a":1}', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: 'unsupported_media_type', message: expect.stringMatching(/JSON/), requestId: 'req-1' });
    expect(received).toEqual([]);
    // No body at all is still fine for a command whose body is optional.
    expect((await post(`/things/${id}`, undefined, {})).status).toBe(200);
  });

  it('leaves the body of a file route to its handler, whatever its type, and reads it only up to its limit', async () => {
    const bytes = (size: number) => Buffer.alloc(size, 0x89);
    const send = (size: number) => fetch(`${base}/files`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: bytes(size) });
    expect(await (await send(1024)).json()).toEqual({ size: 1024, first: 0x89 });
    expect(await (await send(1025)).json()).toEqual({ status: 'too_large' });
    // Far over the limit: answered without reading it all.
    expect(await (await send(10_000)).json()).toEqual({ status: 'too_large' });
  });

  it('answers invalid and oversized JSON in the common shape', async () => {
    const invalid = await post(`/things/${id}`, '{"a":');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ error: 'bad_request', message: 'the body is not valid JSON', requestId: 'req-1' });
    const large = await post(`/things/${id}`, JSON.stringify({ a: 'x'.repeat(70_000) }));
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({ error: 'payload_too_large', message: 'the body exceeds 64kb', requestId: 'req-1' });
  });

  it("gives Nest's own refusals (a bad UUID, an unknown route) the common shape", async () => {
    const badId = await post('/things/not-a-uuid', '{}');
    expect(badId.status).toBe(400);
    expect(await badId.json()).toEqual({ error: 'bad_request', message: expect.stringMatching(/uuid/), requestId: 'req-1' });
    const unknown = await post('/nowhere', '{}');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'not_found', message: expect.any(String), requestId: 'req-1' });
  });

  it('never shows a stack trace for a broken percent-encoding in the path', async () => {
    const response = await post('/things/%E0%A4%A', '{}');
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'bad_request', requestId: 'req-1' });
    expect(text).not.toMatch(/\bat \S+ \(|node_modules|\.js:\d+/);
  });

  it("says a refused field as a sentence in the language of Accept-Language, English when none is asked", async () => {
    const ask = async (language?: string) => {
      const response = await post('/objections', JSON.stringify({ objection: '' }), { 'content-type': 'application/json', ...(language ? { 'accept-language': language } : {}) });
      expect(response.status).toBe(400);
      return (await response.json()) as { message: string; fields: { field: string; message: string }[] };
    };
    const chinese = await ask('zh-CN,zh;q=0.9');
    expect(chinese.fields).toEqual([{ field: 'objection', message: '请填写客户的异议。' }]);
    expect(chinese.message).toBe('请求无效：请修改标出的字段。');
    expect((await ask('en-GB')).fields).toEqual([{ field: 'objection', message: "Write the customer's objection." }]);
    expect((await ask()).fields).toEqual([{ field: 'objection', message: "Write the customer's objection." }]);
  });

  it("answers a decider's refusal of a field as it answers the schema's: 400, the field named in the caller's language", async () => {
    const ask = async (language: string) => {
      const response = await post('/answers', '{}', { 'content-type': 'application/json', 'accept-language': language });
      expect(response.status).toBe(400);
      return response.json();
    };
    expect(await ask('zh-CN')).toEqual({
      error: 'validation_failed',
      message: '请求无效：请修改标出的字段。',
      fields: [{ field: 'answer', message: '给客户的答复不符合要求（must not be empty）。' }],
      requestId: 'req-1',
    });
    expect(await ask('en')).toEqual({
      error: 'validation_failed',
      message: 'The request is invalid: correct the fields named.',
      fields: [{ field: 'answer', message: 'The answer given to the customer must not be empty.' }],
      requestId: 'req-1',
    });
  });
});
