// A real OpenID Connect provider for the single sign-on tests (node's certified `oidc-provider`).
//
//   node tests/oidc/provider.mjs --port 0 --redirect-uri http://testserver/account/oidc/x/login/callback/
//
// Prints one line `READY http://127.0.0.1:<port>` once it listens. One client
// (`macehub` / `macehub-test-secret`) and these accounts, all with the password `provider-password`:
//   mfa@sso.example.test      signs in with MFA: the ID token says amr ["pwd", "mfa"], acr "urn:mace:mfa"
//   nomfa@sso.example.test    password only: amr ["pwd"], no MFA
//   disabled@sso.example.test disabled at the provider: sign-in ends with error=access_denied
//   stranger@sso.example.test known to the provider, unknown to MACE Hub
//   other@elsewhere.example.test  an address outside the configured domain
// Any other address, or a wrong password, shows the login form again with an error.
import http from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
  },
});

const PASSWORD = 'provider-password';
const ACCOUNTS = {
  'mfa@sso.example.test': { name: 'Mina Fa', amr: ['pwd', 'mfa'], acr: 'urn:mace:mfa' },
  'nomfa@sso.example.test': { name: 'Noel Mfa', amr: ['pwd'], acr: 'urn:mace:pwd' },
  'disabled@sso.example.test': { name: 'Dee Sabled', amr: ['pwd', 'mfa'], disabled: true },
  'stranger@sso.example.test': { name: 'Stan Ranger', amr: ['pwd', 'mfa'], acr: 'urn:mace:mfa' },
  'other@elsewhere.example.test': { name: 'Otto Her', amr: ['pwd', 'mfa'], acr: 'urn:mace:mfa' },
};

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, hint, error) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
${error ? `<p role="alert" id="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="email">E-mail</label> <input id="email" name="email" value="${escape(hint || '')}">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in at the provider</button>
</form></main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

const server = http.createServer();
server.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'macehub',
        client_secret: 'macehub-test-secret',
        redirect_uris: values['redirect-uri'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: {
      // The authentication context goes into every ID token, as Entra ID and others do.
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      sid: null,
    },
    acrValues: ['urn:mace:pwd', 'urn:mace:mfa'],
    async findAccount(ctx, id) {
      const account = ACCOUNTS[id];
      if (!account || account.disabled) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: id, email_verified: true, name: account.name };
        },
      };
    },
    // A first-party client: no consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => false },
    cookies: { keys: ['macehub-test-provider-cookie-key'] },
  });
  provider.on('server_error', (ctx, err) => console.error('provider error', err));

  const app = provider.callback();
  server.on('request', async (req, res) => {
    const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
    if (!match) return app(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(loginPage(details.uid, details.params.login_hint));
      }
      const form = await readForm(req);
      const email = (form.get('email') || '').trim().toLowerCase();
      const account = ACCOUNTS[email];
      if (!account || form.get('password') !== PASSWORD) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(loginPage(details.uid, email, 'Wrong e-mail address or password.'));
      }
      if (account.disabled) {
        return provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'This account is disabled.',
        });
      }
      const login = { accountId: email, amr: account.amr };
      if (account.acr) login.acr = account.acr;
      return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return res.end(`interaction error: ${err.message}`);
    }
  });
  console.log(`READY ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
