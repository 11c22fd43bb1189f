import { PlatformError } from '@powernode/contracts';
import { DeadlineExceeded, withDeadline } from './daemon-deadline.js';
import { daemonError } from './daemon-errors.js';

/** What docker-modem rejects with when the daemon answers an error status. */
const modemError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, reason: 'unexpected', json: { message } });
const socketError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe(daemonError.name, () => {
  it.each([
    [404, 'No such container: web', 'NotFound'],
    [409, 'Conflict. The container name "/web" is already in use by container "abc".', 'Conflict'],
    [409, 'cannot remove container "/web": container is running: stop the container before removing or force remove', 'Conflict'],
    [400, 'invalid reference format', 'InvalidInput'],
    [500, 'driver failed programming external connectivity: Bind for [fd00::2]:8080 failed: port is already allocated', 'Conflict'],
    [500, 'something broke', 'Internal'],
  ])('HTTP %d "%s" → %s, keeping the daemon’s words', (status, message, code) => {
    const sut = daemonError(modemError(status, message), 'host-1', 'create container');
    expect(sut).toBeInstanceOf(PlatformError);
    expect(sut.code).toBe(code);
    expect(sut.message).toContain(message);
    expect(sut.details).toMatchObject({ host_id: 'host-1' });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOENT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER'])(
    '%s → Unavailable with the host id',
    (code) => {
      const sut = daemonError(socketError(code, `connect ${code} [fd00::2]:2376`), 'host-1', 'ping');
      expect(sut.code).toBe('Unavailable');
      expect(sut.details).toEqual({ host_id: 'host-1', operation: 'ping' });
      expect(sut.message).toContain(code);
    },
  );

  it('maps a missed deadline and a modem socket timeout to Unavailable', () => {
    expect(daemonError(new DeadlineExceeded('ping', 50), 'host-1', 'ping').code).toBe('Unavailable');
    expect(daemonError(new Error('socket hang up'), 'host-1', 'ping').code).toBe('Unavailable');
  });

  it('keeps an error that is already a PlatformError', () => {
    const error = new PlatformError('NotFound', 'manifest unknown');
    expect(daemonError(error, 'host-1', 'pull')).toBe(error);
  });

  it('maps anything else to Internal with its message', () => {
    const sut = daemonError(new TypeError('boom'), 'host-1', 'list');
    expect(sut.code).toBe('Internal');
    expect(sut.message).toContain('boom');
  });
});

describe(withDeadline.name, () => {
  it('rejects a call that does not finish in time and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const sut = withDeadline('ping', 20, (given) => {
      signal = given;
      return new Promise<never>(() => undefined);
    });
    await expect(sut).rejects.toThrow(DeadlineExceeded);
    expect(signal?.aborted).toBe(true);
  });

  it('answers what the call answers in time', async () => {
    await expect(withDeadline('ping', 1_000, async () => 'OK')).resolves.toBe('OK');
  });
});
