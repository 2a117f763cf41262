/** The long-term IAM user key, as kept in the secret store. */
export interface LongTermKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** When IAM created the key (RFC 3339), when IAM told us: `rotate` records it; status and doctor show the age. */
  createDate?: string;
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
