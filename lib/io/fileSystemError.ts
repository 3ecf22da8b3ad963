/**
 * One-line {@link InputError}s for file-system failures of the user's environment (disk full,
 * quota, read-only or kernel file systems, permissions), so that the CLI exits with code 2 and a
 * message naming the path instead of an internal error with a stack trace.
 */
import { InputError } from '../errors';

/** errno codes that describe the environment (not a bug), with the words shown to the user. */
const ENVIRONMENT_CODES: Record<string, string> = {
  ENOSPC: 'no space left on the device (disk full)',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT:
    'no such file or directory (or a file system that does not allow new files, such as /proc)',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
  EFBIG: 'file too large for the file system',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many levels of symbolic links',
  EMLINK: 'too many links',
  ENXIO: 'no such device or address',
  EBUSY: 'device or resource busy',
  ETXTBSY: 'text file busy',
  EINVAL: 'invalid argument (the file system refuses this operation)',
  EEXIST: 'already exists',
};

/**
 * Turn a file-system error into an {@link InputError} naming `target`, or return `err` unchanged
 * when it is not one (so that the caller rethrows it: a bug stays a bug).
 * @param err Anything caught in a `catch`.
 * @param target The path the user asked for (not a temporary name), shown first in the message.
 * @param action What was being done, e.g. `cannot write`, `cannot create the folder`.
 * @returns An InputError (cause: `err`) for the errno codes of {@link ENVIRONMENT_CODES}, else `err`.
 */
export function fileSystemError(err: unknown, target: string, action = 'cannot write'): unknown {
  if (err instanceof InputError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(code in ENVIRONMENT_CODES)) return err;
  return new InputError(`${target}: ${action}: ${ENVIRONMENT_CODES[code]} (${code})`, {
    cause: err,
  });
}
