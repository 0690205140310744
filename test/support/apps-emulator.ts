/**
 * The emulator's My Apps knobs and the deploy-host calls a test makes outside the tools
 * (src/emulator/README.md, "Route reference for tool builders"): a repository's privacy and
 * refs, an armed build failure, a secret of the app runner, a config store. Deploy-host calls
 * go to the real https address; the emulator redirect carries them (src/osc/emulator-redirect.ts).
 */
export function appsKnobs(emulatorUrl: string, env: string) {
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`${emulatorUrl}/__emulator${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator ${path} → ${res.status} ${await res.text()}`);
  };
  const deploy = async (pat: string, method: string, path: string, body: unknown) => {
    const res = await fetch(`https://deploy.svc.${env}.osaas.io${path}`, {
      method,
      headers: { 'x-pat-jwt': `Bearer ${pat}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok && res.status !== 409) throw new Error(`deploy ${method} ${path} → ${res.status} ${await res.text()}`);
  };
  return {
    repo: (url: string, spec: { token?: string; refs?: string[]; failBuild?: string }) =>
      admin('/repos', { url, ...spec }),
    failNextBuild: (output: string) => admin('/builds', { fail: output }),
    runnerSecret: (pat: string, name: string, value: string) =>
      deploy(pat, 'POST', '/mysecrets/eyevinn-web-runner', { secretName: name, secretData: value }),
    store: async (pat: string, name: string) => {
      await deploy(pat, 'POST', '/parameter-stores', { name });
      return name;
    },
  };
}
