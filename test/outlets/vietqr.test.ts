import { describe, expect, it } from 'vitest';
import { asciiPurpose, crc16CcittFalse, vietQrPayload } from '../../src/services/outlets/vietqr.ts';

/**
 * A published VietQR payload (subiz/vietqr's README: 120 000 đ to VietinBank 970415, account
 * 0011001932418, "ủng hộ lũ lụt"), which banking apps scan; its CRC is C15C.
 */
const KNOWN_GOOD = '00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C';

describe('VietQR payload', () => {
  it('computes CRC-16/CCITT-FALSE: the standard check value of "123456789" is 29B1', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });

  it('agrees with the CRC of a known-good payload, computed over everything up to and including "6304"', () => {
    expect(crc16CcittFalse(KNOWN_GOOD.slice(0, -4))).toBe(KNOWN_GOOD.slice(-4));
    // A single changed digit of the amount no longer matches.
    const tampered = KNOWN_GOOD.replace('5406120000', '5406120001');
    expect(crc16CcittFalse(tampered.slice(0, -4))).not.toBe(KNOWN_GOOD.slice(-4));
  });

  it('builds exactly the known-good payload from its inputs, folding the Vietnamese description to ASCII', () => {
    expect(vietQrPayload({ bankBin: '970415', accountNumber: '0011001932418', amountVnd: 120000, purpose: 'ủng hộ lũ lụt' })).toBe(KNOWN_GOOD);
  });

  it('marks a code without an amount as reusable (01 = 11) and leaves tags 54 and 62 out', () => {
    const p = vietQrPayload({ bankBin: '970405', accountNumber: '1234567890' });
    expect(p).toMatch(/^000201010211/);
    expect(p).not.toContain('5406');
    expect(p).toContain('5802VN6304');
    expect(crc16CcittFalse(p.slice(0, -4))).toBe(p.slice(-4));
  });

  it('folds đ and drops what banking apps cannot show, within 25 characters', () => {
    expect(asciiPurpose('Đồng Tháp — HĐ BĐ-000123 thanh toán')).toBe('Dong Thap  HD BD-000123 t');
  });

  it('refuses a BIN that is not 6 digits and a non-integer amount', () => {
    expect(() => vietQrPayload({ bankBin: '97041', accountNumber: '1' })).toThrow(RangeError);
    expect(() => vietQrPayload({ bankBin: '970415', accountNumber: '1', amountVnd: 10.5 })).toThrow(RangeError);
  });
});
