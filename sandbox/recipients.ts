import type { Recipient } from './db/schema.ts';
import { invalidParam } from './errors.ts';
import { PROVINCE } from './services/post-offices.ts';

/** Realistic Đồng Tháp buyers for orders the control API or the generator place without a recipient. */
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Huỳnh', 'Võ', 'Phan', 'Trương', 'Bùi', 'Đặng', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thanh', 'Hoàng', 'Kim', 'Quốc'];
const GIVEN = ['Hùng', 'Lan', 'Tâm', 'Phúc', 'Thảo', 'Dũng', 'Hạnh', 'Khoa', 'Nhi', 'Tài', 'Trinh', 'Lộc', 'Mai', 'Sang'];
const HAMLETS = ['Mỹ Phú', 'Tân Thuận', 'Bình Hòa', 'An Lợi', 'Phú Hưng', 'Long Thạnh', 'Hòa Khánh', 'Tân Hội'];
const STREETS = ['Nguyễn Huệ', 'Lê Lợi', 'Hùng Vương', 'Trần Hưng Đạo', '30 Tháng 4', 'Lý Thường Kiệt', 'Ấp Bắc', 'Nguyễn Sinh Sắc'];
// Vietnamese mobile prefixes (Viettel, VinaPhone, MobiFone) since the 2018 renumbering.
const MOBILE = ['090', '091', '093', '094', '096', '097', '098', '032', '033', '034', '035', '036', '037', '038', '039', '070', '076', '077', '078', '079', '081', '083', '084', '085'];

export type Commune = { code: string; name: string; type: 'xa' | 'phuong' };

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)]!;

/** Fills what the caller left out; a given ward_code must be a known commune, and its name comes from the reference table. */
export function completeRecipient(given: Partial<Recipient> | undefined, communes: readonly Commune[], random: () => number): Recipient {
  const g = given ?? {};
  let commune: Commune | undefined;
  if (g.ward_code) {
    commune = communes.find((c) => c.code === g.ward_code);
    if (!commune && communes.length > 0) throw invalidParam('recipient.ward_code', `unknown ward_code ${g.ward_code} (not a commune of ${PROVINCE.name})`);
  } else if (communes.length > 0) {
    commune = pick(communes, random);
  }
  const wardCode = g.ward_code ?? commune?.code ?? '28261';
  const wardName = g.ward_name ?? commune?.name ?? 'Mỹ Tho';
  const houseNo = 1 + Math.floor(random() * 300);
  const addressLine =
    commune?.type === 'xa'
      ? `Số ${houseNo}, ấp ${pick(HAMLETS, random)}`
      : `Số ${houseNo} đường ${pick(STREETS, random)}, khóm ${1 + Math.floor(random() * 6)}`;
  return {
    name: g.name ?? `${pick(FAMILY, random)} ${pick(MIDDLE, random)} ${pick(GIVEN, random)}`,
    phone: g.phone ?? `${pick(MOBILE, random)}${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}`,
    address_line: g.address_line ?? addressLine,
    ward_code: wardCode,
    ward_name: wardName,
    province_code: g.province_code ?? PROVINCE.code,
    province_name: g.province_name ?? PROVINCE.name,
  };
}
