import { bootstrapTokenFingerprint } from './bootstrap-token.js';

describe(bootstrapTokenFingerprint.name, () => {
  it('returns the pinned root fingerprint', () => {
    const fingerprint = '0123456789abcdef'.repeat(4);
    expect(bootstrapTokenFingerprint(`pnb1.${fingerprint}.${'A-_z'.repeat(10)}`)).toBe(fingerprint);
  });

  it.each(['', 'pnb2.' + 'a'.repeat(64) + '.' + 's'.repeat(40), 'pnb1.' + 'A'.repeat(64) + '.' + 's'.repeat(40), 'pnb1.' + 'a'.repeat(64) + '.short'])(
    'rejects %j',
    (token) => {
      expect(() => bootstrapTokenFingerprint(token)).toThrow(/not a pnb1 token/);
    },
  );
});
