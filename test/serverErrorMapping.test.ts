/**
 * Who is blamed, at the one place errors become statuses: the server's storage trouble is
 * 507/503 with Retry-After (never 400, never a server path), and a job that failed on the
 * server's side says what broke and that its input was not the cause (not "internal error").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../src/errors.js';
import { describeJobFailure, toHttpError } from '../src/server/errorMapping.js';

const systemError = (code: string, syscall = 'write') => Object.assign(new Error(`${code}: failed, ${syscall} '/srv/state/uploads/predict-x/fasta'`), { code, syscall });

test('storage errors: 507 for a full disk or quota, 503 for other I/O failures, both with Retry-After and no path', () => {
  for (const [code, status, error] of [
    ['ENOSPC', 507, 'insufficient_storage'],
    ['EDQUOT', 507, 'insufficient_storage'],
    ['EIO', 503, 'storage_unavailable'],
    ['EROFS', 503, 'storage_unavailable'],
    ['EMFILE', 503, 'storage_unavailable'],
  ] as const) {
    const http = toHttpError(systemError(code));
    assert.equal(http.status, status, code);
    assert.equal(http.body.error, error, code);
    assert.ok(http.retryAfterSeconds! > 0, code);
    assert.match(http.body.message, new RegExp(`${code}: .*server's problem, not the request's`));
    assert.doesNotMatch(http.body.message, /\/srv\/state/);
  }
});

test("a job failing on the server's side says what broke, without server paths; input errors keep their code", () => {
  const id = '00000000-0000-4000-8000-000000000000';
  const bug = describeJobFailure(new TypeError("Cannot read properties of null (reading 'probs') in /srv/state/jobs/x/result.bed"), id);
  assert.equal(bug.error, 'internal_error');
  assert.equal(bug.kind, 'internal');
  assert.match(bug.message, /failed on the server's side, not because of its input \(TypeError: Cannot read properties of null/);
  assert.match(bug.message, new RegExp(`report job ${id}`));
  assert.doesNotMatch(bug.message, /\/srv\/state/);
  assert.doesNotMatch(bug.message, /^internal error/);
  const disk = describeJobFailure(systemError('ENOSPC'), id);
  assert.equal(disk.error, 'insufficient_storage');
  const input = describeJobFailure(new InputError('fasta_invalid_character', 'g.fa: sequence chr1 …'), id);
  assert.deepEqual(input, { error: 'fasta_invalid_character', message: 'g.fa: sequence chr1 …', kind: 'input' });
});
