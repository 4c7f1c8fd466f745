import { TWO_VISIBLE_CHARACTERS } from '../schemas/common.ts';

/** Turns the first schema-validation error (Ajv's shape) into a field name and a bilingual explanation. */
type AjvLikeError = {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
};

const TYPE_NAMES: Record<string, { vi: string; en: string }> = {
  integer: { vi: 'số nguyên', en: 'an integer' },
  number: { vi: 'số', en: 'a number' },
  string: { vi: 'chuỗi ký tự', en: 'a string' },
  boolean: { vi: 'true/false', en: 'a boolean' },
  object: { vi: 'đối tượng', en: 'an object' },
  array: { vi: 'danh sách', en: 'an array' },
  null: { vi: 'null', en: 'null' },
};

const FORMAT_NAMES: Record<string, { vi: string; en: string }> = {
  date: { vi: 'ngày YYYY-MM-DD', en: 'a date YYYY-MM-DD' },
  'date-time': { vi: 'thời điểm ISO 8601', en: 'an ISO 8601 date-time' },
  uri: { vi: 'đường dẫn URL', en: 'a URL' },
  uuid: { vi: 'mã UUID', en: 'a UUID' },
};

/** "/certifications/0/expiresAt" → "certifications[0].expiresAt" */
export function pathToField(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra) parts.push(extra);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

export function describeValidationError(
  error: AjvLikeError,
  context: string | undefined,
): { field: string; detail: { vi: string; en: string } } {
  const p = error.params;
  let field = pathToField(error.instancePath);
  let detail: { vi: string; en: string };
  switch (error.keyword) {
    case 'required':
      field = pathToField(error.instancePath, String(p.missingProperty));
      detail = { vi: 'bắt buộc phải có', en: 'is required' };
      break;
    case 'additionalProperties':
      field = pathToField(error.instancePath, String(p.additionalProperty));
      detail = { vi: 'không được phép (trường không xác định)', en: 'is not allowed (unknown field)' };
      break;
    case 'type': {
      const t = TYPE_NAMES[String(p.type)] ?? { vi: String(p.type), en: String(p.type) };
      detail = { vi: `phải là ${t.vi}`, en: `must be ${t.en}` };
      break;
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const op = { minimum: '≥', exclusiveMinimum: '>', maximum: '≤', exclusiveMaximum: '<' }[error.keyword];
      detail = { vi: `phải ${op} ${p.limit}`, en: `must be ${op} ${p.limit}` };
      break;
    }
    case 'minLength':
      detail =
        p.limit === 1
          ? { vi: 'không được để trống', en: 'must not be empty' }
          : { vi: `phải có ít nhất ${p.limit} ký tự`, en: `must have at least ${p.limit} characters` };
      break;
    case 'maxLength':
      detail = { vi: `không được quá ${p.limit} ký tự`, en: `must have at most ${p.limit} characters` };
      break;
    case 'minItems':
      detail = { vi: `phải có ít nhất ${p.limit} phần tử`, en: `must have at least ${p.limit} items` };
      break;
    case 'maxItems':
      detail = { vi: `không được quá ${p.limit} phần tử`, en: `must have at most ${p.limit} items` };
      break;
    case 'enum': {
      const allowed = (p.allowedValues as unknown[] | undefined)?.join(', ') ?? '';
      detail = { vi: `phải là một trong: ${allowed}`, en: `must be one of: ${allowed}` };
      break;
    }
    case 'const':
      detail = { vi: `phải bằng ${String(p.allowedValue)}`, en: `must equal ${String(p.allowedValue)}` };
      break;
    case 'format': {
      const fmt = FORMAT_NAMES[String(p.format)] ?? { vi: String(p.format), en: String(p.format) };
      detail = { vi: `phải đúng định dạng ${fmt.vi}`, en: `must be ${fmt.en}` };
      break;
    }
    case 'pattern':
      detail =
        p.pattern === TWO_VISIBLE_CHARACTERS
          ? { vi: 'phải có ít nhất 2 ký tự, không tính khoảng trắng', en: 'must have at least 2 characters besides spaces' }
          : { vi: 'không đúng định dạng', en: 'has the wrong format' };
      break;
    case 'minProperties':
      detail = { vi: 'cần ít nhất một trường để thay đổi', en: 'needs at least one field to change' };
      break;
    case 'uniqueItems':
      detail = { vi: 'có phần tử trùng lặp', en: 'has duplicate items' };
      break;
    default:
      detail = { vi: 'không hợp lệ', en: `is invalid (${error.message ?? error.keyword})` };
  }
  if (!field) field = context ?? 'body';
  return { field, detail };
}
