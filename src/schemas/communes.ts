import { Type } from '@sinclair/typebox';
import { StringEnum } from './common.ts';

export const Commune = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    type: StringEnum(['phuong', 'xa'] as const),
    fullName: Type.String(),
    nameEn: Type.String(),
    altSpelling: Type.String({ description: 'The 2025 spelling where tone-mark placement differs (Hoà/Hòa)' }),
    lat: Type.Number(),
    lng: Type.Number(),
    areaKm2: Type.Number(),
  },
  { $id: 'Commune' },
);

export const CommuneQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Search ignoring case and diacritics: "hoa loc" finds "Hòa Lộc"' })),
    type: Type.Optional(StringEnum(['phuong', 'xa'] as const)),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 200 }),
  },
  { additionalProperties: false },
);

export const LegacyCommune = Type.Object({
  oldCode: Type.String(),
  oldName: Type.String(),
  oldProvinceCode: Type.String(),
  mergeType: StringEnum(['full', 'partial'] as const),
  commune: Type.Ref('Commune'),
});
