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
 * result, with plain words telling the person to open it. A 2026-07-28 request carries the
 * client's capabilities in its envelope, and that revision makes the exchange stateless (the
 * multi-round-trip `input_required` result, basic/patterns/mrtr): when the request declares
 * `elicitation.url`, the first answer is an input-required result holding a URL-mode
 * elicitation of the same link, and the client's retry, carrying the user's answer, gets the
 * result that says only whether the secret exists (no second link). That is as far as a
 * stateless server can take URL mode.
 * The page is the same either way, and the spec's rule that the URL is shown before it opens
 * and that the server checks who opens it (same section, "Safe URL Handling", "Phishing")
 * holds: the page signs the person in and refuses any other user.
 */
import { z } from 'zod';
import { defineTool, q, secretNameArg, serviceIdArg, ToolInputError } from '../tool.js';
import { WRITES } from './annotations.js';

/** The key of our one URL elicitation in a 2026-07-28 input-required result and its retry. */
const ELICITATION_KEY = 'secret_page';

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
    url: z
      .string()
      .optional()
      .describe('The page where the user types the value; open it only in the user’s own browser'),
    expiresAt: z.string().optional().describe('When the link stops working (ISO 8601)'),
    openAsUrlElicitation: z.boolean().describe('The link was, or may be, opened as a URL-mode elicitation'),
  },
  annotations: WRITES,
  async handler({ serviceId, secretName }, ctx) {
    if (!ctx.secretEntry) throw new ToolInputError('This server has no secret page configured; no link was made.');
    const exists = (await ctx.osc.listSecrets(serviceId, ctx.signal)).includes(secretName);
    // The retry after a URL elicitation (2026-07-28): whether it exists now; no new link.
    const answer = ctx.inputResponses?.[ELICITATION_KEY] as { action?: unknown } | undefined;
    if (ctx.urlElicitation && answer !== undefined) {
      const opened = answer.action === 'accept';
      return {
        structured: { serviceId, secretName, exists, openAsUrlElicitation: true },
        text: exists
          ? `Secret ${q(secretName)} of ${q(serviceId)} exists (its value is never shown). Use it in options as "{{secrets.${secretName}}}".`
          : `Secret ${q(secretName)} of ${q(serviceId)} does not exist yet${opened ? ': the user opened the page and may still be typing it. list_secrets shows when it exists' : ': the user did not open the page. Call set_secret again for a new link'}.`,
      };
    }
    const { url, expiresAt, ttlS } = await ctx.secretEntry.open({ serviceId, secretName });
    const until = new Date(expiresAt).toISOString();
    const minutes = Math.max(1, Math.round(ttlS / 60));
    const now = exists
      ? `Secret ${q(secretName)} of ${q(serviceId)} exists; the link replaces its value.`
      : `Secret ${q(secretName)} of ${q(serviceId)} does not exist yet.`;
    const elicitation = ctx.urlElicitation
      ? ' Your client supports URL-mode elicitation: it may offer to open this link for the user.'
      : '';
    const message = `Set the secret ${q(secretName)} of ${q(serviceId)} in your OSC workspace: open this page, sign in to OSC and type the value there. It never passes through the chat.`;
    return {
      ...(ctx.urlElicitation ? { openUrl: { key: ELICITATION_KEY, url, message } } : {}),
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
