import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../plugins/web/web-app.ts';
import { signInBody, wrongRoleBody } from '../../web/counter/sign-in.ts';
import { BASE } from '../../web/counter/shell.ts';
import webAuthPages from '../web-auth.ts';
import { POINT_COOKIE } from './point.ts';

/** The counter app's sign-in, sign-out (also forgetting an admin's chosen office) and wrong-role pages. */
const authPages: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(webAuthPages, {
    ctx,
    base: BASE,
    signInBody,
    wrongRoleBody,
    wrongRoleTitle: 'Ứng dụng khác',
    onSignOut: (reply) => void reply.clearCookie(POINT_COOKIE, { path: BASE }),
  });
};
export default authPages;
