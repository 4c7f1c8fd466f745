/**
 * The VietQR payload a buyer's banking app scans to pay a counter sale by bank transfer: NAPAS's
 * VietQR profile of the EMVCo merchant-presented QR (ID-length-value data objects, CRC in tag 63).
 * Pure: the receipt prints it and any QR library draws it.
 */

/** NAPAS's application identifier in tag 38, sub-tag 00. */
const NAPAS_GUID = 'A000000727';
/** Inter-bank fund transfer 24/7 to an account (QRIBFTTC would be to a card). */
const TO_ACCOUNT = 'QRIBFTTA';

export type VietQrInput = {
  /** The beneficiary bank's 6-digit NAPAS BIN (970415 VietinBank, 970405 Agribank…). */
  bankBin: string;
  accountNumber: string;
  /** Integer VND; omitted for a static code where the buyer types the amount. */
  amountVnd?: number;
  /** The transfer's description (tag 62-08), e.g. the receipt number; folded to ASCII, ≤ 25 characters. */
  purpose?: string;
};

/** One data object: two-digit id, two-digit length, value. */
function tlv(id: string, value: string): string {
  if (value.length > 99) throw new RangeError(`VietQR field ${id} is longer than 99 characters`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor), 4 uppercase hex digits. */
export function crc16CcittFalse(data: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(data, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Banking apps read the description as plain ASCII: Vietnamese letters lose their marks (đ → d)
 * and anything else outside the printable range is dropped.
 */
export function asciiPurpose(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, 25);
}

export function vietQrPayload(input: VietQrInput): string {
  if (!/^\d{6}$/.test(input.bankBin)) throw new RangeError('bankBin must be 6 digits');
  if (!/^[0-9A-Za-z]{1,19}$/.test(input.accountNumber)) throw new RangeError('accountNumber must be 1–19 letters or digits');
  if (input.amountVnd !== undefined && (!Number.isSafeInteger(input.amountVnd) || input.amountVnd <= 0)) throw new RangeError('amountVnd must be a positive integer');
  const beneficiary = tlv('00', input.bankBin) + tlv('01', input.accountNumber);
  const purpose = input.purpose === undefined ? '' : asciiPurpose(input.purpose);
  const body =
    tlv('00', '01') +
    // 12: a code for this one payment (amount fixed); 11: a reusable one.
    tlv('01', input.amountVnd === undefined ? '11' : '12') +
    tlv('38', tlv('00', NAPAS_GUID) + tlv('01', beneficiary) + tlv('02', TO_ACCOUNT)) +
    tlv('53', '704') +
    (input.amountVnd === undefined ? '' : tlv('54', String(input.amountVnd))) +
    tlv('58', 'VN') +
    (purpose ? tlv('62', tlv('08', purpose)) : '');
  // The CRC covers everything up to and including tag 63's own id and length.
  const withCrcHeader = `${body}6304`;
  return withCrcHeader + crc16CcittFalse(withCrcHeader);
}
