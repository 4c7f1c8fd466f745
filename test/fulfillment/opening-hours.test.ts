import { describe, expect, it } from 'vitest';
import { completeHours, isOpenAt, openingHoursProblems, parseOpeningHours } from '../../src/lib/opening-hours.ts';

/** An instant given as Vietnam wall-clock time (UTC+7, no DST). */
const vn = (local: string) => new Date(`${local}+07:00`);

// 2026-11-29 is a Sunday, 2026-11-30 a Monday.
describe('open now, in Asia/Ho_Chi_Minh', () => {
  const weekdays = completeHours({
    mon: [{ open: '07:00', close: '11:30' }, { open: '13:30', close: '17:00' }],
    sat: [{ open: '07:00', close: '24:00' }],
    sun: [{ open: '22:00', close: '02:00' }],
  });

  it('uses Vietnam time, not UTC: Monday 07:00 in Vietnam is Sunday 00:00 UTC', () => {
    expect(isOpenAt(weekdays, vn('2026-11-30T07:00:00'))).toBe(true);
    expect(isOpenAt(weekdays, vn('2026-11-30T06:59:59'))).toBe(false);
  });

  it('closes at the close minute and reopens after lunch', () => {
    expect(isOpenAt(weekdays, vn('2026-11-30T11:29:00'))).toBe(true);
    expect(isOpenAt(weekdays, vn('2026-11-30T11:30:00'))).toBe(false);
    expect(isOpenAt(weekdays, vn('2026-11-30T13:30:00'))).toBe(true);
  });

  it('a Sunday evening interval runs past midnight into Monday', () => {
    expect(isOpenAt(weekdays, vn('2026-11-29T21:59:00'))).toBe(false);
    expect(isOpenAt(weekdays, vn('2026-11-29T22:00:00'))).toBe(true);
    expect(isOpenAt(weekdays, vn('2026-11-29T23:59:59'))).toBe(true);
    expect(isOpenAt(weekdays, vn('2026-11-30T00:00:00'))).toBe(true);
    expect(isOpenAt(weekdays, vn('2026-11-30T01:59:00'))).toBe(true);
    expect(isOpenAt(weekdays, vn('2026-11-30T02:00:00'))).toBe(false);
  });

  it('24:00 closes at midnight: Saturday 23:59 open, Sunday 00:00 closed (Sunday opens only at 22:00)', () => {
    expect(isOpenAt(weekdays, vn('2026-11-28T23:59:00'))).toBe(true);
    expect(isOpenAt(weekdays, vn('2026-11-29T00:00:00'))).toBe(false);
    expect(isOpenAt(weekdays, vn('2026-11-29T10:00:00'))).toBe(false);
  });

  it('unknown hours are never open', () => {
    expect(isOpenAt(null, vn('2026-11-30T10:00:00'))).toBe(false);
  });
});

describe('timetables', () => {
  it('refuses overlaps, equal open and close, and impossible times', () => {
    expect(openingHoursProblems({ mon: [{ open: '07:00', close: '12:00' }, { open: '11:00', close: '13:00' }] })).toEqual([['openingHours.mon', 'intervals overlap']]);
    expect(openingHoursProblems({ tue: [{ open: '08:00', close: '08:00' }] })[0]![0]).toBe('openingHours.tue[0].close');
    expect(openingHoursProblems({ wed: [{ open: '24:00', close: '08:00' }] })[0]![0]).toBe('openingHours.wed[0].open');
    expect(openingHoursProblems({ thu: [{ open: '22:00', close: '02:00' }] })).toEqual([]);
  });

  it("reads Postmart's Vietnamese wording, Sunday included", () => {
    const h = parseOpeningHours('Thứ 2–Thứ 7: 07:00–18:00; Chủ nhật: 07:00–11:00')!;
    expect(h.mon).toEqual([{ open: '07:00', close: '18:00' }]);
    expect(h.sat).toEqual([{ open: '07:00', close: '18:00' }]);
    expect(h.sun).toEqual([{ open: '07:00', close: '11:00' }]);
    expect(isOpenAt(h, vn('2026-11-29T10:59:00'))).toBe(true);
    expect(isOpenAt(h, vn('2026-11-29T11:00:00'))).toBe(false);
    const commune = parseOpeningHours('Thứ 2–Thứ 7: 07:00–11:30, 13:30–17:00')!;
    expect(commune.sun).toEqual([]);
    expect(commune.thu).toHaveLength(2);
    expect(parseOpeningHours('Hằng ngày: 07:00–19:00')!.sun).toEqual([{ open: '07:00', close: '19:00' }]);
    expect(parseOpeningHours('giờ hành chính')).toBeNull();
  });
});
