import type { FastifyRequest } from 'fastify';

/** A multipart part as @fastify/multipart attaches it to the body of a web app's form post (src/plugins/web/session.ts). */
type Part = { type: 'file'; filename: string; mimetype: string; toBuffer: () => Promise<Buffer> } | { type: 'field'; value: unknown };
export type FilePart = Extract<Part, { type: 'file' }>;

/** Uploaded parts of a multipart field (one or several files); an empty file input sends none. */
export const filesOf = (req: FastifyRequest, name: string): FilePart[] => {
  const v = (req.body as Record<string, Part | Part[] | undefined> | null)?.[name];
  return (Array.isArray(v) ? v : v ? [v] : []).filter((p): p is FilePart => p.type === 'file' && p.filename !== '');
};

/** Every string value of a repeated field (checkboxes), urlencoded or multipart. */
export const valuesOf = (req: FastifyRequest, name: string): string[] => {
  const v = (req.body as Record<string, unknown> | null)?.[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .map((x) => (typeof x === 'string' ? x : x && typeof x === 'object' && 'value' in x && typeof x.value === 'string' ? x.value : null))
    .filter((x): x is string => x !== null);
};

/** The files as a multipart body for the API's upload routes, all under one field name. */
export async function encodeFiles(files: FilePart[], field: string): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const f of files) form.append(field, new Blob([await f.toBuffer()], { type: f.mimetype }), f.filename);
  const encoded = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}
