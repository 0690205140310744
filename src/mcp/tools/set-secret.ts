/**
 * set_secret: a service secret whose value the model never sees (issue 19; SECRET-07). The tool
 * takes a service id and a secret name, never a value: its schema is strict, so an extra
 * argument (a `value`, `secretData`, anything) is refused before the handler runs. It opens a
 * single-use link to our page `/secrets/enter/<id>` (src/secrets/router.ts), where the person,
 * signed in through OSC as the same user as this connection, types the value; it goes from the
 * page to OSC's /mysecrets and nowhere else. The result, and any later call, says only whether
 * the secret exists. One OSC call (the secret names) and one store write.
 *
 * Why a link in the result and not an elicitation request (MCP 2025-11-25 client/elicitation,
 * "URL Mode Elicitation Requests"): URL mode is the spec's way for sensitive input, and is what
 * this page is. But the spec's `elicitation/create` is a server-to-client request answered on
 * the same session; this server is stateless (docs/architecture.md, "The MCP endpoint"), so the
 * answer would reach another per-request server that never asked, and a 2025-era `tools/call`
 * does not even carry the client's capabilities. The spec's other form, the
 * `URLElicitationRequiredError` (-32042), is a JSON-RPC error, which our rule keeps for
 * protocol failures only (a tool's own outcome is a result). So the link is always in the
 * result, with plain words telling the person to open it; when the request itself declares
 * `elicitation.url` (the 2026-07-28 envelope), the result also says the client may open it as a
 * URL elicitation (structured `openAsUrlElicitation: true`), the most a stateless answer can do.
 * The page is the same either way, and the spec's rule that the URL is shown before it opens
 * and that the server checks who opens it (same section, "Safe URL Handling", "Phishing")
 * holds: the page signs the person in and refuses any other user.
 */
import { z } from 'zod';
import { defineTool, q, secretNameArg, serviceIdArg, ToolInputError } from '../tool.js';

export default defineTool({
  name: 'set_secret',
  title: 'Ask the user to set a service secret',
  description:
    'Creates or replaces a service secret WITHOUT the value passing through this chat: returns a short-lived, single-use link to a page ' +
    'where the user signs in to OSC and types the value themselves. Never ask the user for the value here and never pass it: ' +
    'this tool takes only the service id and the secret name. Show the link to the user and ask them to open it; afterwards ' +
    'list_secrets (or set_secret again) tells whether the secret exists. Use the secret in options as "{{secrets.<name>}}". Spends no OSC tokens.',
  scope: 'osc:write',
  strict: true,
  inputSchema: { serviceId: serviceIdArg, secretName: secretNameArg },
  outputSchema: {
    serviceId: z.string(),
    secretName: z.string(),
    exists: z.boolean().describe('Whether the secret exists now (its value is never shown)'),
    url: z.string().describe('The page where the user types the value; open it only in the user’s own browser'),
    expiresAt: z.string().describe('When the link stops working (ISO 8601)'),
    openAsUrlElicitation: z.boolean().describe('The client declared URL-mode elicitation and may open the link as one'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler({ serviceId, secretName }, ctx) {
    if (!ctx.secretEntry) throw new ToolInputError('This server has no secret page configured; no link was made.');
    const exists = (await ctx.osc.listSecrets(serviceId, ctx.signal)).includes(secretName);
    const { url, expiresAt, ttlS } = await ctx.secretEntry.open({ serviceId, secretName });
    const until = new Date(expiresAt).toISOString();
    const minutes = Math.max(1, Math.round(ttlS / 60));
    const now = exists
      ? `Secret ${q(secretName)} of ${q(serviceId)} exists; the link replaces its value.`
      : `Secret ${q(secretName)} of ${q(serviceId)} does not exist yet.`;
    const elicitation = ctx.urlElicitation
      ? ' Your client supports URL-mode elicitation: it may offer to open this link for the user.'
      : '';
    return {
      structured: {
        serviceId,
        secretName,
        exists,
        url,
        expiresAt: until,
        openAsUrlElicitation: ctx.urlElicitation === true,
      },
      text:
        `${now} The user must open this link in their own browser, sign in to OSC and type the value there: ${url}\n` +
        `It works once, for about ${minutes} minute(s), and only for the OSC user of this connection. Do not ask the user to paste the value into this chat.${elicitation} ` +
        `Afterwards, list_secrets shows whether ${q(secretName)} exists; use it in options as "{{secrets.${secretName}}}".`,
    };
  },
});
