/** The long-term IAM user key, as kept in the secret store. */
export interface LongTermKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Temporary credentials from GetSessionToken. */
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** As the server issued it, not as requested. */
  expiration: Date;
}

/** A session plus what it was minted from, as cached in the secret store. */
export interface CachedSession extends Session {
  profile: string;
  sourceKeyId: string;
  mfaSerial: string;
}
