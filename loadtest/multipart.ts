import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';

/** One multipart/form-data body, built once and replayed by autocannon for every request. */
export async function multipartBody(files: Record<string, string>): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [field, path] of Object.entries(files)) form.append(field, await openAsBlob(path), basename(path));
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}
