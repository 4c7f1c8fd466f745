import type { FastifyRequest } from 'fastify';
import { AppError, invalid } from '../errors.ts';
import type { UploadedFile } from '../services/catalog/product-images.ts';
import { MAX_IMAGE_BYTES } from '../services/media/image-processing.ts';

/**
 * Reads every file part of a multipart request into memory (each at most MAX_IMAGE_BYTES, at most
 * `maxFiles`: the limits the route registered @fastify/multipart with), turning the plugin's limit
 * errors into ours, each naming the field. Used by the photo routes and the authorization scan.
 */
export async function readFiles(req: FastifyRequest, maxFiles: number): Promise<UploadedFile[]> {
  if (!req.isMultipart()) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { type: `${req.headers['content-type'] ?? '(none)'}; gửi multipart/form-data` });
  }
  const files: UploadedFile[] = [];
  let field = 'file';
  try {
    for await (const part of req.parts()) {
      if (part.type !== 'file') continue;
      field = part.fieldname;
      files.push({ field: part.fieldname, mimetype: part.mimetype, data: await part.toBuffer() });
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('IMAGE_TOO_LARGE', { maxMb: MAX_IMAGE_BYTES / 1024 / 1024 }, field);
    if (code === 'FST_FILES_LIMIT') throw invalid(field, { vi: `gửi tối đa ${maxFiles} ảnh mỗi lần`, en: `send at most ${maxFiles} photos at once` });
    throw err;
  }
  return files;
}
