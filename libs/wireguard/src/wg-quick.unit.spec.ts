import { parseWgQuick } from './wg-quick.js';

const k = (c: string) => c.repeat(43) + '=';

describe(parseWgQuick.name, () => {
  it('reads the interface and every peer, ignoring comments and settings it does not run', () => {
    const text = `# laptop on net-0000000a
[Interface]
Address = fd00:a::14/128
PrivateKey = ${k('P')}
DNS = fd00:a::1

[Peer]
# hub
PublicKey = ${k('H')}
AllowedIPs = fd00:a::1/128, fd00:a::2/128
Endpoint = [fd5e::1]:51820
PersistentKeepalive = 25

[Peer]
PublicKey = ${k('N')}
AllowedIPs = fd00:a::11/128
`;
    expect(parseWgQuick(text)).toEqual({
      address: 'fd00:a::14/128',
      privateKey: k('P'),
      peers: [
        { publicKey: k('H'), allowedIps: ['fd00:a::1/128', 'fd00:a::2/128'], endpoint: '[fd5e::1]:51820', persistentKeepalive: 25 },
        { publicKey: k('N'), allowedIps: ['fd00:a::11/128'] },
      ],
    });
  });

  it('names what is wrong', () => {
    expect(() => parseWgQuick('Address = fd00::1/128')).toThrow(/line 1: a setting before any/);
    expect(() => parseWgQuick('[Interface]\nnonsense')).toThrow(/line 2: expected Key = Value/);
    expect(() => parseWgQuick(`[Interface]\nAddress = fd00::1/128`)).toThrow(/needs Address and PrivateKey/);
    expect(() => parseWgQuick(`[Interface]\nAddress = fd00::1/128\nPrivateKey = ${k('P')}\n[Peer]\nAllowedIPs = fd00::2/128`)).toThrow(/\[Peer\] 1 has no PublicKey/);
  });
});
