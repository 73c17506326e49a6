import type { Request } from 'express';

export type FileBody = { readonly status: 'read'; readonly bytes: Buffer } | { readonly status: 'too_large' };

/**
 * A request's body as bytes, up to `limit`. A body a little over the limit is read to its end
 * and dropped, so that the client, still sending, gets the 413 rather than a broken pipe; one
 * declared or found far over it is left unread (answer it with `Connection: close`). Nothing
 * beyond the limit is ever kept in memory.
 */
export async function readFileBody(request: Request, limit: number): Promise<FileBody> {
  const declared = Number(request.headers['content-length']);
  const drainUpTo = limit * 2;
  if (Number.isFinite(declared) && declared > drainUpTo) return { status: 'too_large' };
  const chunks: Buffer[] = [];
  let received = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) chunks.push(chunk);
      else if (received > drainUpTo) {
        request.off('data', onData);
        request.pause();
        resolve({ status: 'too_large' });
      }
    };
    request.on('data', onData);
    request.on('end', () => resolve(received > limit ? { status: 'too_large' } : { status: 'read', bytes: Buffer.concat(chunks, received) }));
    request.on('aborted', () => reject(new Error('the client went away while sending the file')));
    request.on('error', reject);
  });
}
