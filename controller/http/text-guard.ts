import type { FastifyRequest } from 'fastify';
import { pgTextProblem } from '../db/pg-text.js';
import { AppError } from '../errors.js';

interface Field {
  path: string;
  message: string;
}

/**
 * A preValidation hook for every /api route: no string anywhere in the path parameters, query or body (values and
 * object keys, at any depth) may hold what PostgreSQL's text cannot (see pg-text.ts). One check in front of every
 * schema, so a field added tomorrow with a plain `z.string()` is covered too; the answer is the same 400
 * `validation-failed` the schemas give, with the offending fields in `details`.
 */
export async function rejectUnstorableText(request: FastifyRequest): Promise<void> {
  const fields = problems([
    ['params', request.params],
    ['querystring', request.query],
    ['body', request.body],
  ]);
  if (fields.length === 0) return;
  const message = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
  throw new AppError('validation-failed', message, fields);
}

/** Walks without recursion: a 64 KiB body of nested arrays is 32,000 levels deep. */
function problems(roots: [string, unknown][]): Field[] {
  const found: Field[] = [];
  const pending = [...roots];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [path, value] = next;
    if (typeof value === 'string') {
      const message = pgTextProblem(value);
      if (message) found.push({ path, message });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push([`${path}.${i}`, item]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const keyProblem = pgTextProblem(key);
        const here = `${path}.${keyProblem ? JSON.stringify(key) : key}`;
        if (keyProblem) found.push({ path: here, message: `key ${keyProblem}` });
        pending.push([here, item]);
      }
    }
  }
  return found.reverse();
}
