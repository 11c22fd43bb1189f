import { toPlatformSerial, toVaultSerial } from './serial-format.js';

describe('serial format', () => {
  it.each([
    ['3a:0f:b2', '3a0fb2'],
    ['3A-0F-B2', '3a0fb2'],
    ['00:c1:02', 'c102'], // DER sign padding is not part of the number
    ['A0F', '0a0f'], // odd-length hex is a whole number of bytes with a leading nibble
  ])('platform form of %s is %s', (given, expected) => {
    expect(toPlatformSerial(given)).toBe(expected);
  });

  it("converts to Vault's colon form", () => {
    expect(toVaultSerial('3a0fb2')).toBe('3a:0f:b2');
    expect(toVaultSerial('00c102')).toBe('c1:02');
  });

  it('rejects what is not a serial', () => {
    expect(() => toPlatformSerial('zz:01')).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
    expect(() => toPlatformSerial('00')).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
  });
});
