/**
 * What Postmart's review does with a listing's photos: it downloads each one, and a listing whose
 * photo cannot be downloaded or is not a picture is refused with the reason (postmart-api.md#products,
 * REJECTED with reject_reason). The bytes are sniffed, not trusted from Content-Type alone.
 */
const TIMEOUT_MS = 5_000;
const MAX_BYTES = 20 * 1024 * 1024;

function looksLikeImage(b: Uint8Array): boolean {
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true; // JPEG
  if (ascii(1, 4) === 'PNG') return true;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return true;
  if (ascii(0, 4) === 'GIF8') return true;
  return false;
}

/** Null when the photo is fine, else the reject reason as the seller will read it (Vietnamese). */
export async function imageProblem(url: string): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
  } catch (err) {
    return `Không tải được ảnh ${url}: ${(err as Error).name === 'TimeoutError' ? 'quá thời gian chờ' : 'không kết nối được'}`;
  }
  if (!res.ok) {
    await res.body?.cancel();
    return `Không tải được ảnh ${url}: HTTP ${res.status}`;
  }
  const type = res.headers.get('content-type') ?? '';
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES) {
    await res.body?.cancel();
    return `Ảnh ${url} quá lớn (${Math.round(length / 1024 / 1024)} MB)`;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (!type.startsWith('image/') || !looksLikeImage(bytes)) return `Tệp ${url} không phải là ảnh (${type || 'không rõ kiểu'})`;
  return null;
}

/** The first problem among a listing's photos, each URL fetched once per round. */
export async function firstImageProblem(urls: readonly string[], cache: Map<string, Promise<string | null>>): Promise<string | null> {
  const problems = await Promise.all(
    urls.map((u) => {
      let p = cache.get(u);
      if (!p) cache.set(u, (p = imageProblem(u)));
      return p;
    }),
  );
  return problems.find((p) => p !== null) ?? null;
}
