// The errors the emulator answers with. Codes, statuses and messages are the
// ones real STS/IAM send (including their odd spacing), because the product
// maps them to exit codes and hints, and its tests match on them.

export class QueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export const missingAuth = () =>
  new QueryError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');

export const incompleteSignature = (message: string) => new QueryError(400, 'IncompleteSignature', message);

export const invalidToken = () =>
  new QueryError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');

export const expiredToken = () =>
  new QueryError(403, 'ExpiredToken', 'The security token included in the request is expired');

export const signatureMismatch = (
  message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
) => new QueryError(403, 'SignatureDoesNotMatch', message);

export const accessDenied = (message: string) => new QueryError(403, 'AccessDenied', message);

export const missingAction = () => new QueryError(400, 'MissingAction', 'Missing Action');

export const invalidAction = (action: string, version: string) =>
  new QueryError(400, 'InvalidAction', `Could not find operation ${action} for version ${version}`);

/** One or more constraint violations, phrased the way AWS's validator phrases them. */
export function validationError(problems: string[]): QueryError {
  const n = problems.length;
  return new QueryError(
    400,
    'ValidationError',
    `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  );
}

export const noSuchUser = (userName: string) =>
  new QueryError(404, 'NoSuchEntity', `The user with name ${userName} cannot be found.`);
