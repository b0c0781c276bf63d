/**
 * Vendor id → person. Some vendors report usage under their own ids (an OpenAI user id, a GitHub
 * login); a resolver turns as many as it can into emails. Ids it cannot resolve map to null and stay
 * visible under the vendor's id — usage is never dropped for want of a name.
 */
export interface IdentityResolver {
  resolve(ids: readonly string[]): Promise<ReadonlyMap<string, string | null>>;
}

/**
 * Resolvers tried in order, each only for the ids the ones before it left unresolved (e.g. SAML
 * identities, then verified-domain emails, then public profiles).
 */
export function chainResolvers(resolvers: readonly IdentityResolver[]): IdentityResolver {
  return {
    async resolve(ids) {
      const found = new Map<string, string | null>(ids.map((id) => [id, null]));
      let open = [...new Set(ids)];
      for (const resolver of resolvers) {
        if (open.length === 0) break;
        const answers = await resolver.resolve(open);
        for (const id of open) {
          const email = answers.get(id);
          if (email) found.set(id, email);
        }
        open = open.filter((id) => !found.get(id));
      }
      return found;
    },
  };
}
