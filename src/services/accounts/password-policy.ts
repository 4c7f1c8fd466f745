import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { invalid } from '../../errors.ts';

export const MIN_PASSWORD_LENGTH = 10;
/** zxcvbn's score: 2 means more than 10^6 guesses, which every common or keyboard-pattern password falls short of. */
const MIN_SCORE = 2;

/**
 * Words Vietnamese users (and this project's users in particular) build weak passwords from; the
 * maintained common list (@zxcvbn-ts/language-common: leaked-password ranks, keyboard patterns)
 * does not know them.
 */
const VIETNAMESE = [
  'matkhau', 'matma', 'anhyeuem', 'emyeuanh', 'yeuem', 'vietnam', 'hanoi', 'saigon', 'dongthap', 'caolanh', 'sadec',
  'laivung', 'thapmuoi', 'postmart', 'buudien', 'vnpost', 'hoptacxa', 'htx', 'nongdan', 'xoaicat', 'quythong', 'nguyen', 'tran', 'le',
];

// Built when the module loads (a few hundred milliseconds to index the dictionaries), so no request
// pays for it and the event loop is not blocked while serving (src/plugins/protection.ts sheds load on that).
const checker = new ZxcvbnFactory({ dictionary: { ...dictionary, vietnamese: VIETNAMESE }, graphs: adjacencyGraphs });

/**
 * Refuses a password shorter than MIN_PASSWORD_LENGTH or easy to guess (a common password, a
 * keyboard walk, a repeat, the account's own phone or name), with a message saying what to do.
 */
export function requireStrongPassword(password: string, userInputs: string[] = [], field = 'password'): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw invalid(field, {
      vi: `mật khẩu phải có ít nhất ${MIN_PASSWORD_LENGTH} ký tự; nên dùng một cụm vài từ dễ nhớ`,
      en: `must be at least ${MIN_PASSWORD_LENGTH} characters; a phrase of a few words is easy to remember`,
    });
  }
  const inputs = userInputs.flatMap((s) => [s, ...s.split(/\s+/)]).filter((s) => s.length >= 3);
  if (checker.check(password, inputs).score < MIN_SCORE) {
    throw invalid(field, {
      vi: 'mật khẩu quá dễ đoán (mật khẩu phổ biến, dãy phím, lặp lại hoặc chứa số điện thoại/tên); hãy chọn mật khẩu khác',
      en: 'is too easy to guess (a common password, a keyboard pattern, a repeat, or your phone or name); choose another',
    });
  }
}
