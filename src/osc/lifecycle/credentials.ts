/**
 * What the platform adapter gets instead of a token store: a way to obtain the grant's
 * current OSC access token (PAT), refreshed under single flight when it nears expiry
 * (docs/architecture.md, "Token lifecycle"). Tools never see this object; only src/osc adapters do.
 */
export interface OscCredentials {
  readonly grantId: string;
  /** The current PAT, refreshed first if it expires within the margin. */
  accessToken(): Promise<string>;
  /**
   * OSC answered 401 to `rejected`: refresh once (unless another caller already did)
   * and return the new PAT. Throws GrantRevokedError when OSC refuses the refresh.
   */
  forceRefresh(rejected: string): Promise<string>;
  /**
   * OSC refused a token it had just issued: the authorization is dead (docs/architecture.md, "Token lifecycle"). Revokes
   * the grant and everything issued under it, so the next request gets a 401 challenge.
   */
  revoke(): Promise<void>;
}
