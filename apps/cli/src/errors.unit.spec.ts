import { fromPlatformBody } from './errors.js';

describe(fromPlatformBody.name, () => {
  it("keeps the platform's code and names each bad field", () => {
    const sut = fromPlatformBody(400, { code: 'InvalidInput', message: 'bad input', details: { issues: [{ path: ['host_id'], message: 'a docker host id' }] } }, '');
    expect(sut).toMatchObject({ code: 'InvalidInput', status: 400, exitCode: 1, message: 'bad input (host_id: a docker host id)' });
  });

  it('falls back to the HTTP status for a body that is not the platform shape', () => {
    expect(fromPlatformBody(502, undefined, 'Bad Gateway')).toMatchObject({ code: 'HTTP502', message: 'Bad Gateway' });
  });
});
