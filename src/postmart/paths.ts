/**
 * The connector's two URLs that Postmart itself calls or sends sellers to; registered with the
 * partner app, so routes and the start-up seed must agree on them.
 */
export const WEBHOOK_PATH = '/v1/webhooks/postmart';
export const OAUTH_CALLBACK_PATH = '/v1/postmart/oauth/callback';
