/**
 * Read a user's text file, turning file-system failures into an {@link InputError} naming it.
 */
import * as fs from 'fs';
import { InputError, errorMessage } from '../errors';

/**
 * Read a UTF-8 text file.
 * @param file Path.
 * @param what What the file should be, for the message (e.g. `prediction file`).
 * @throws InputError `<file>: cannot read <what>: <reason>`.
 */
export function readTextInput(file: string, what: string): string {
  try {
    if (fs.statSync(file).isDirectory()) {
      throw new InputError(`${file}: expected a ${what}, got a directory`);
    }
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `${file}: ${what} does not exist`
        : `${file}: cannot read ${what}: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/**
 * Split text into lines (LF or CRLF), keeping 1-based line numbers.
 * @returns Every line with its number, the final empty line after a trailing newline dropped.
 */
export function numberedLines(text: string): { line: number; text: string }[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((t, i) => ({ line: i + 1, text: t }));
}
