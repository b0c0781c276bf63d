const PROXY_VARS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

/**
 * The fetch every vendor call goes through. With `HTTPS_PROXY`/`HTTP_PROXY` set (and `NO_PROXY`
 * honoured), requests go through undici's environment proxy agent (loaded only then: it is large);
 * Bun's own fetch already reads those variables. Without them, the runtime's native fetch.
 */
export async function fetchForEnv(
  env: Readonly<Record<string, string | undefined>>,
): Promise<typeof globalThis.fetch> {
  const proxied = PROXY_VARS.some((name) => env[name]?.trim());
  if (!proxied || "Bun" in globalThis) return globalThis.fetch;
  const { EnvHttpProxyAgent, fetch } = await import("undici");
  const pick = (name: string) => env[name]?.trim() || env[name.toLowerCase()]?.trim() || undefined;
  const agent = new EnvHttpProxyAgent({
    httpProxy: pick("HTTP_PROXY"),
    httpsProxy: pick("HTTPS_PROXY") ?? pick("HTTP_PROXY"),
    noProxy: pick("NO_PROXY"),
  });
  return ((input: string | URL, init?: RequestInit) =>
    fetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof globalThis.fetch;
}
