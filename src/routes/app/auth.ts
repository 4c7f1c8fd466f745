import type { FastifyPluginAsync } from 'fastify';
import { signInBody, wrongRoleBody } from '../../web/seller/sign-in.ts';
import { BASE } from '../../web/seller/shell.ts';
import webAuthPages from '../web-auth.ts';
import type { AppContext } from './context.ts';

/** The sellers' app's sign-in, sign-out and wrong-role pages (src/routes/web-auth.ts). */
const authPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(webAuthPages, { ctx, base: BASE, signInBody, wrongRoleBody, wrongRoleTitle: 'Không có quyền' });
};
export default authPages;
