// A real OpenID Connect provider for BIP's single sign-on tests: the npm package oidc-provider,
// run with Node on 127.0.0.1 and a free port. Started by the pytest fixture in conftest.py.
//
//   node oidc_provider.mjs CONFIG.json
//
// CONFIG.json: {"clients": [{client_id, client_secret, redirect_uris}],
//               "accounts": {"<sub>": {claims...}}}
// Prints one line `issuer http://127.0.0.1:<port>` when it answers, then serves until killed.
// Logging in uses the package's development screens: the login form takes an account's sub as
// the user name (any password) and the consent form grants the scopes asked for.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const read = () => JSON.parse(readFileSync(process.argv[2], 'utf8'));
const config = read();

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients.map((c) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      ...c,
    })),
    // accounts are read again at every look-up, so a test can change an account's claims
    async findAccount(ctx, id) {
      const { accounts } = read();
      if (!Object.hasOwn(accounts, id)) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
    },
    // the claims BIP maps (bip.web.signin.claims), released with the scopes BIP asks for
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name', 'given_name', 'family_name'],
      email: ['email'],
      bip: ['roles', 'jobcentre', 'groups'],
    },
    scopes: ['openid', 'profile', 'email', 'bip'],
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['bip-test-only-cookie-key'] },
    ttl: { Session: 600, Interaction: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  process.stdout.write(`issuer ${issuer}\n`);
});
