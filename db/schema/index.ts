export * from './communes.ts';
export * from './sellers.ts';
export * from './users.ts';
export * from './products.ts';
export * from './stock-movements.ts';
export * from './audit-log.ts';
export * from './postmart.ts';
export * from './listings.ts';
