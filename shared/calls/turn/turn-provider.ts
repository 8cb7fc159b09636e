/** One entry of RTCConfiguration.iceServers. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/**
 * Issues short-lived TURN credentials for one user. The coturn shared-secret scheme and
 * Cloudflare's TURN key service implement it; which one runs is configuration.
 */
export interface TurnProvider {
  readonly name: string;
  iceServers(userId: string, ttlSeconds: number): Promise<IceServer[]>;
}

/** The provider could not issue credentials (network, upstream error, bad answer). */
export class TurnUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TurnUnavailableError";
  }
}
