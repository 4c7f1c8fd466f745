import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from '../../db/schema/users.ts';
import { Cursor, Label, Limit, Phone, StringEnum, Timestamp, Uuid } from './common.ts';

const Password = Type.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters, and not easy to guess (not a common password, keyboard pattern, repeat, or the phone or name)' });
const Name = Label(120);

export const User = Type.Object(
  {
    id: Uuid(),
    phone: Type.String(),
    name: Type.String(),
    role: StringEnum(ROLES),
    sellerId: Type.Union([Uuid(), Type.Null()]),
    pickupPointId: Type.Union([Uuid(), Type.Null()]),
    disabled: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'User' },
);

export const LoginBody = Type.Object({ phone: Phone, password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const LoginReply = Type.Object({ token: Type.String(), expiresIn: Type.Integer({ description: 'seconds' }), user: Type.Ref('User') });

export const UserCreate = Type.Object(
  {
    phone: Phone,
    name: Name,
    password: Password,
    role: StringEnum(ROLES),
    sellerId: Type.Optional(Uuid({ description: 'Required for seller_manager' })),
    pickupPointId: Type.Optional(Uuid({ description: 'Required for post_office_clerk' })),
  },
  { additionalProperties: false },
);
export type UserCreateInput = Static<typeof UserCreate>;

export const UserPatch = Type.Object(
  {
    name: Type.Optional(Name),
    role: Type.Optional(StringEnum(ROLES)),
    sellerId: Type.Optional(Type.Union([Uuid(), Type.Null()])),
    pickupPointId: Type.Optional(Type.Union([Uuid(), Type.Null()])),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UserQuery = Type.Object({ limit: Limit, cursor: Type.Optional(Cursor) }, { additionalProperties: false });
