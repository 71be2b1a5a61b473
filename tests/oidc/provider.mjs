// A real OpenID provider for the tests (oidc-provider, certified): started by tests/oidc/__init__.py
// on 127.0.0.1 with a free port; it prints "listening <issuer>" once it accepts connections.
//
//   node tests/oidc/provider.mjs '<json settings>'
//   settings: {clientId, clientSecret, redirectUris: [...], postLogoutRedirectUris: [...],
//              accounts: {"<login>": {"email": "...", "email_verified": true, "name": "..."}}}
//
// Sign-in is oidc-provider's development interaction (a login box: the login is the account's
// key, any password); consent is given at once to the one static (first-party) client.
// PKCE is required of every client; ID tokens carry only the protocol claims (the email comes
// from the userinfo endpoint, as with Okta or Entra's access-token flows).
import Provider from "oidc-provider";

const settings = JSON.parse(process.argv[2] || "{}");
const accounts = settings.accounts || {};

const server = await new Promise((resolve) => {
  // Bind first on a free port: the issuer must carry the port.
  import("node:http").then(({ createServer }) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => resolve(srv));
  });
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      redirect_uris: settings.redirectUris,
      post_logout_redirect_uris: settings.postLogoutRedirectUris || [],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // The client is the center's own app: consent is implied (no consent page).
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
  cookies: { keys: ["tests-only-cookie-key-0123456789"] },
  ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
});
provider.proxy = false;

server.on("request", provider.callback());
process.stdout.write(`listening ${issuer}\n`);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
